"""What each dbt test checks, in words, for its asset check in the Dagster UI (dagster-dbt reads only
``meta.description``, which no test here has).

A test with its own description in the project's yml keeps it (the singular tests: ``tests/_singular_tests.yml``);
a generic test is described from its kind and arguments, in Vietnamese then English, with the words of
``dbt_test_kinds.csv``: one row per kind of generic test the project uses.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

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


def describe_test(test: Mapping[str, Any]) -> str | None:
    """The description of the dbt test node ``test`` (a manifest entry): its own, else one made from its kind and
    arguments; None for a generic test of a kind ``dbt_test_kinds.csv`` does not name."""
    severity = (test.get("config", {}).get("severity") or "error").lower()
    suffix = NOT_BLOCKING if severity != "error" else ""
    if test.get("description"):
        return " ".join(test["description"].split()) + suffix
    metadata = test.get("test_metadata") or {}
    words = _kinds().get(metadata.get("name", ""))
    if words is None:
        return None
    arguments = {name: _argument(value) for name, value in metadata.get("kwargs", {}).items()}
    vi, en = (text.format_map(arguments) for text in words)
    return f"{vi} / {en}{suffix}"
