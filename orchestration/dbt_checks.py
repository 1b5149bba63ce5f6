"""What each dbt test checks, in words, for its asset check in the Dagster UI (dagster-dbt reads only
``meta.description``, which no test here has).

A test with its own description in the project's yml keeps it (the singular tests: ``tests/_singular_tests.yml``);
a generic test is described from its kind and arguments, in Vietnamese then English, with the words of
``dbt_test_kinds.csv``: one row per kind of generic test, or of rule a ``rules`` test states. A ``rules`` test (many
rules of one table in one node, ``dbt_project/tests/generic/rules.sql``) lists each of its rules in those words.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from publishing.contract import RULES_TEST

KINDS_FILE = Path(__file__).with_name("dbt_test_kinds.csv")
REF = re.compile(r"""ref\(\s*['"](\w+)['"]\s*\)""")
NOT_BLOCKING = " (cảnh báo, không chặn công bố / a warning: does not block publishing)"


@cache
def _kinds() -> dict[str, tuple[str, str]]:
    with KINDS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["test"]: (row["description_vi"], row["description_en"]) for row in csv.DictReader(handle)}


def _argument(value: Any) -> str:
    """A test argument as a reader writes it: lists joined, ``ref('units')`` as ``units``, whitespace folded."""
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return " ".join(REF.sub(r"\1", str(value)).split())


def _rules(arguments: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A ``rules`` test's rules, each as the kind of generic test that checks it alone and that test's arguments."""
    rules: list[tuple[str, dict[str, Any]]] = []
    if arguments.get("not_null"):
        rules.append(("not_null_columns", {"column_names": arguments["not_null"]}))
    for key in arguments.get("unique", []):
        rules.append(("unique", {"column_name": key[0]}) if len(key) == 1
                     else ("unique_combination_of_columns", {"combination_of_columns": key}))
    for column, values in arguments.get("accepted_values", {}).items():
        rules.append(("accepted_values", {"column_name": column, "values": values}))
    for relationship in arguments.get("relationships", []):
        rules.append(("relationships", {"column_name": relationship["column"], "to": relationship["to"],
                                        "field": relationship["field"]}))
    rules += [("expression_is_true", {"expression": expression}) for expression in arguments.get("expressions", [])]
    return rules


def _words(kind: str, arguments: Mapping[str, Any]) -> tuple[str, str] | None:
    """What a generic test of ``kind`` with ``arguments`` checks: (Vietnamese, English); None for a kind
    ``dbt_test_kinds.csv`` does not name."""
    words = _kinds().get(kind)
    if words is None:
        return None
    if kind == RULES_TEST:
        parts = [_words(rule, rule_arguments) for rule, rule_arguments in _rules(arguments)]
        arguments = {"rules_vi": "; ".join(vi for vi, _ in parts), "rules_en": "; ".join(en for _, en in parts)}
    else:
        arguments = {name: _argument(value) for name, value in arguments.items()}
    return words[0].format_map(arguments), words[1].format_map(arguments)


def describe_test(test: Mapping[str, Any]) -> str | None:
    """The description of the dbt test node ``test`` (a manifest entry): its own, else one made from its kind and
    arguments; None for a generic test of a kind ``dbt_test_kinds.csv`` does not name."""
    severity = (test.get("config", {}).get("severity") or "error").lower()
    suffix = NOT_BLOCKING if severity != "error" else ""
    if test.get("description"):
        return " ".join(test["description"].split()) + suffix
    metadata = test.get("test_metadata") or {}
    words = _words(metadata.get("name", ""), metadata.get("kwargs", {}))
    if words is None:
        return None
    return f"{words[0]} / {words[1]}{suffix}"
