"""The reason codes ingest gives are the seed's (dbt_project/seeds/reasons.csv), and the seed has no code that
ingest never gives: the code and the seed are read side by side, with ``ast``."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

from ingest.reference import load_reference
from ingest.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
SEED = load_settings(env={}).seeds / "reasons.csv"


def _seed(scope: str) -> set[str]:
    with SEED.open(encoding="utf-8", newline="") as handle:
        return {row["reason_code"] for row in csv.DictReader(handle) if row["scope"] == scope}


def _file_codes_raised() -> set[str]:
    """First arguments of every SubmissionError(...) and Refused(...) written in ingest/ with a literal code."""
    codes = set()
    for path in (REPO / "ingest").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("SubmissionError", "Refused") and node.args
                    and isinstance(node.args[0], ast.Constant)):
                codes.add(node.args[0].value)
    return codes


def _string_literals(folder: Path) -> set[str]:
    return {node.value for path in folder.rglob("*.py") for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_file_level_refusal_uses_a_code_of_the_seed_and_every_seed_code_is_used():
    raised = _file_codes_raised()
    assert len(raised) >= 8
    assert raised == _seed("file")


def test_every_row_reason_of_the_seed_is_one_ingest_gives():
    assert _seed("row") <= _string_literals(REPO / "ingest")


def test_every_row_reason_has_a_vietnamese_and_an_english_message():
    reasons = load_reference(SEED.parent).reasons
    assert reasons and all(r.message and r.message_en and r.scope in ("row", "file") for r in reasons.values())
