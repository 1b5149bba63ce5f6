"""The validation report: one self-contained HTML page a data engineer opens from the Dagster check metadata.

Every value on the page comes from the warehouse or a suite file, so all of it is escaped.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.files import write_atomically

if TYPE_CHECKING:
    from expectations.runner import ExpectationOutcome, SuiteResult

MAX_LISTED_VALUES = 12

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
code { font-size: 0.85rem; }
.passed { color: #1a7f37; font-weight: 600; }
.failed { color: #cf222e; font-weight: 600; }
.warning { color: #9a6700; font-weight: 600; }
tr.failed-error { background: #ffebe9; }
tr.failed-warn { background: #fff8c5; }
.why { color: #57606a; }
.examples { max-width: 80vw; overflow-x: auto; }
"""


def write_report(results: list[SuiteResult], path: Path) -> Path:
    """Write the page for `results` to `path` (replacing it whole, so a reader never sees half a page)."""
    path = Path(path)
    write_atomically(path, render_report(results).encode("utf-8"))
    return path


def render_report(results: list[SuiteResult]) -> str:
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summary_rows = "".join(
        f"<tr><td><a href='#{escape(r.suite)}'>{escape(r.suite)}</a></td><td><code>{escape(r.table)}</code></td>"
        f"<td>{_suite_status(r)}</td><td>{sum(o.success for o in r.results)} / {len(r.results)}</td></tr>"
        for r in results
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Data quality report</title>"
        f"<style>{STYLE}</style></head><body><h1>Data quality report</h1><p>Generated {generated}.</p>"
        "<table><tr><th>suite</th><th>table</th><th>status</th><th>expectations met</th></tr>"
        f"{summary_rows}</table>{''.join(_suite_section(r) for r in results)}</body></html>"
    )


def _suite_status(result: SuiteResult) -> str:
    if not result.success:
        return "<span class='failed'>failed</span>"
    if result.failures:
        return "<span class='warning'>passed with warnings</span>"
    return "<span class='passed'>passed</span>"


def _suite_section(result: SuiteResult) -> str:
    # Failures first (stable sort keeps the suite's order within each group): that is what the reader came for.
    rows = "".join(_outcome_rows(outcome) for outcome in sorted(result.results, key=lambda o: o.success))
    return (
        f"<h2 id='{escape(result.suite)}'>{escape(result.suite)} <small>on <code>{escape(result.table)}</code></small>"
        f" — {_suite_status(result)}</h2>"
        "<table><tr><th>result</th><th>severity</th><th>dimension</th><th>expectation</th><th>column</th>"
        f"<th>expected</th><th>observed</th></tr>{rows}</table>"
    )


def _outcome_rows(outcome: ExpectationOutcome) -> str:
    if outcome.success:
        row_class, status = "", "<span class='passed'>pass</span>"
    else:
        label = "failed" if outcome.severity == "error" else "warning"
        row_class, status = f"failed-{outcome.severity}", f"<span class='{label}'>fail</span>"
    expected = {k: v for k, v in outcome.kwargs.items() if k not in ("column", "column_A", "column_B", "column_list")}
    row = (
        f"<tr class='{row_class}'><td>{status}</td><td>{escape(outcome.severity)}</td>"
        f"<td>{escape(outcome.dimension)}</td>"
        f"<td><code>{escape(outcome.type)}</code><div class='why'>{escape(outcome.why)}</div></td>"
        f"<td><code>{escape(outcome.column)}</code></td><td>{_values(expected)}</td>"
        f"<td>{_values(outcome.observed)}</td></tr>"
    )
    if not outcome.examples:
        return row
    return (
        f"{row}<tr class='{row_class}'><td></td><td colspan='6'>first unexpected rows:"
        f"{_examples(outcome.examples)}</td></tr>"
    )


def _values(values: dict[str, Any]) -> str:
    return "<br>".join(f"{escape(name)}: <code>{escape(_short(value))}</code>" for name, value in values.items())


def _short(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) > MAX_LISTED_VALUES:
        return f"{json.dumps(value[:MAX_LISTED_VALUES], ensure_ascii=False)[:-1]}, … ({len(value)} values)]"
    return json.dumps(value, ensure_ascii=False, default=str)


def _examples(examples: tuple[Any, ...]) -> str:
    if not all(isinstance(example, dict) for example in examples):
        return "<br>".join(f"<code>{escape(_short(example))}</code>" for example in examples)
    columns = list(examples[0])
    header = "".join(f"<th>{escape(column)}</th>" for column in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_short(example.get(column)))}</td>" for column in columns) + "</tr>"
        for example in examples
    )
    return f"<div class='examples'><table><tr>{header}</tr>{body}</table></div>"
