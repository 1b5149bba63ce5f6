"""The validation report: one self-contained HTML page per run, Vietnamese first, then English, that a data engineer
opens from the command's output or the Dagster check, and that the release publishes as ``quality_report.html``.

Reports live in ``quality/`` as ``validation_<UTC time>_<run>.html``: world-readable like the release (a suite over
personal data shows no person key, ``expectations.runner``), never rewritten once written, and pruned to the newest
``CADRE_RUNS_KEPT``. Every value on the page comes from the warehouse or a suite file, so all of it is escaped.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from expectations.runner import DIMENSIONS, SEVERITIES
from ingest.files import write_atomically
from ingest.settings import OPEN_FOLDER_MODE, RELEASE_FILE_MODE, TIME_ZONE

if TYPE_CHECKING:
    from expectations.runner import ExpectationOutcome, SuiteResult

MAX_LISTED_VALUES = 12
REPORT_PATTERN = "validation_*.html"
PUBLISHED_NAME = "quality_report.html"
ABOUT = ("Các bộ kiểm tra Great Expectations chạy trên kho dữ liệu làm việc trước khi công bố: một kỳ vọng mức "
         "“chặn công bố” không đạt thì không có bản công bố mới, bản trước vẫn giữ nguyên; cảnh báo cần có người xử "
         "lý; thông tin là tình trạng bình thường trong kỳ báo cáo.",
         "The Great Expectations suites run on the working warehouse before publishing: a failed expectation that "
         "blocks publishing stops the new release, and the previous one stays; a warning needs someone to act; "
         "information is a normal state during a reporting period.")

STYLE = """
body { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 2rem; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
code { font-size: 0.85rem; }
.en { color: #57606a; font-weight: normal; }
.passed { color: #1a7f37; font-weight: 600; }
.failed { color: #cf222e; font-weight: 600; }
.warning { color: #9a6700; font-weight: 600; }
.info { color: #0969da; font-weight: 600; }
tr.failed-error { background: #ffebe9; }
tr.failed-warn { background: #fff8c5; }
tr.failed-info { background: #ddf4ff; }
.why { color: #57606a; }
.examples { max-width: 80vw; overflow-x: auto; }
"""


def report_path(folder: Path, run_id: str, now: datetime | None = None) -> Path:
    """Where the report of run ``run_id`` goes: its UTC time first, so names sort as the runs ran."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"validation_{stamp}_{run_id[:8]}.html"


def write_report(results: list[SuiteResult], path: Path, keep: int, now: datetime | None = None) -> Path:
    """Write the page for ``results`` to ``path`` (replaced whole, so a reader never sees half a page), readable by
    everyone and by nobody writable, then delete all but the newest ``keep`` reports of its folder."""
    path = Path(path)
    write_atomically(path, render_report(results, now).encode("utf-8"))
    path.parent.chmod(OPEN_FOLDER_MODE)
    reports = sorted(path.parent.glob(REPORT_PATTERN))
    for old in reports[:-keep]:
        old.unlink(missing_ok=True)
    for kept in reports[-keep:]:
        kept.chmod(RELEASE_FILE_MODE)  # an earlier version's reports were 0600
    return path


def latest_report(folder: Path) -> Path | None:
    """The newest report in ``folder``, if any."""
    reports = sorted(Path(folder).glob(REPORT_PATTERN))
    return reports[-1] if reports else None


def copy_latest_report(folder: Path, release: Path) -> Path | None:
    """Copy the newest report of ``folder`` into ``release`` as ``quality_report.html`` (the report of the run that
    builds the release, which holds the run lock), so the publication says how its data was checked."""
    latest = latest_report(folder)
    return Path(shutil.copyfile(latest, Path(release) / PUBLISHED_NAME)) if latest else None


def render_report(results: list[SuiteResult], now: datetime | None = None) -> str:
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(TIME_ZONE))
    summary_rows = "".join(
        f"<tr><td><a href='#{escape(r.suite)}'>{escape(r.suite)}</a></td><td><code>{escape(r.table)}</code></td>"
        f"<td>{_suite_status(r)}</td><td>{sum(o.success for o in r.results)} / {len(r.results)}</td></tr>"
        for r in results
    )
    generated = f"Lập lúc {local:%H:%M ngày %d/%m/%Y} (giờ Hà Nội, GMT+7) " + _en(
        f"generated {local:%Y-%m-%d %H:%M}, Hanoi time")
    return (
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
        "<title>Báo cáo chất lượng dữ liệu / Data quality report</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>Báo cáo chất lượng dữ liệu {_en('Data quality report')}</h1>"
        f"<p>{generated}.</p><p>{escape(ABOUT[0])} {_en(ABOUT[1])}</p>"
        f"<table><tr>{_th('bộ kiểm tra', 'suite')}{_th('bảng', 'table')}{_th('kết quả', 'status')}"
        f"{_th('kỳ vọng đạt', 'expectations met')}</tr>{summary_rows}</table>"
        f"{''.join(_suite_section(r) for r in results)}</body></html>"
    )


def _en(text: str) -> str:
    return f"<span class='en'>/ {escape(text)}</span>"


def _th(vi: str, en: str) -> str:
    return f"<th>{escape(vi)} {_en(en)}</th>"


def _words(vocabulary: dict[str, tuple[str, str]], code: str) -> str:
    vi, en = vocabulary.get(code, (code, code))
    return f"{escape(vi)} {_en(en)}"


def _suite_status(result: SuiteResult) -> str:
    if not result.success:
        return f"<span class='failed'>không đạt {_en('failed')}</span>"
    if result.warnings:
        return f"<span class='warning'>đạt, có cảnh báo {_en('passed with warnings')}</span>"
    if result.failures:
        return f"<span class='info'>đạt, có thông tin {_en('passed, with notes')}</span>"
    return f"<span class='passed'>đạt {_en('passed')}</span>"


def _suite_section(result: SuiteResult) -> str:
    # Failures first (stable sort keeps the suite's order within each group): that is what the reader came for.
    rows = "".join(_outcome_rows(outcome) for outcome in sorted(result.results, key=lambda o: o.success))
    about = f"<p>{escape(result.description_vi)} {_en(result.description)}</p>" if result.description else ""
    return (
        f"<h2 id='{escape(result.suite)}'>{escape(result.suite)} <small>— <code>{escape(result.table)}</code></small>"
        f" — {_suite_status(result)}</h2>{about}"
        f"<table><tr>{_th('kết quả', 'result')}{_th('mức', 'severity')}{_th('khía cạnh', 'dimension')}"
        f"{_th('kỳ vọng', 'expectation')}{_th('cột', 'column')}{_th('mong đợi', 'expected')}"
        f"{_th('quan sát được', 'observed')}</tr>{rows}</table>"
    )


def _outcome_rows(outcome: ExpectationOutcome) -> str:
    if outcome.success:
        row_class, status = "", f"<span class='passed'>đạt {_en('pass')}</span>"
    else:
        label = {"error": "failed", "warn": "warning", "info": "info"}[outcome.severity]
        row_class = f"failed-{outcome.severity}"
        status = f"<span class='{label}'>không đạt {_en('fail')}</span>"
    expected = {k: v for k, v in outcome.kwargs.items() if k not in ("column", "column_A", "column_B", "column_list")}
    row = (
        f"<tr class='{row_class}'><td>{status}</td><td>{_words(SEVERITIES, outcome.severity)}</td>"
        f"<td>{_words(DIMENSIONS, outcome.dimension)}</td>"
        f"<td><code>{escape(outcome.type)}</code>"
        f"<div class='why'>{escape(outcome.why_vi)} {_en(outcome.why)}</div></td>"
        f"<td><code>{escape(outcome.column)}</code></td><td>{_values(expected)}</td>"
        f"<td>{_values(outcome.observed)}</td></tr>"
    )
    if not outcome.examples:
        return row
    return (
        f"{row}<tr class='{row_class}'><td></td><td colspan='6'>những dòng đầu tiên không đạt "
        f"{_en('first unexpected rows')}:{_examples(outcome.examples)}</td></tr>"
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
