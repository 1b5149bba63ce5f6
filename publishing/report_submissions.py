"""The submissions in the report (tình hình tiếp nhận báo cáo): how many files arrived in each status, the files that
need the unit's attention, the files whose rows were partly rejected, and each unit's own files. Statuses are named
by the published `status_name` and flagged by `needs_attention` (both from `seeds/submission_statuses.csv`), so no
status code is spelled here; times are in Hanoi time.

Not here: which rows a status gets (``ingest/status.py``).
"""

import datetime as dt
from collections import Counter, defaultdict
from html import escape

import duckdb

from ingest.text import fold
from publishing.report_format import LOCAL_TIME_LABEL, cell, date, integer, local_time, table

RECEIVED = f"Nhận lúc ({LOCAL_TIME_LABEL})"
UNIDENTIFIED = "Chưa xác định"
PARTLY_NOTE = ("Các dòng bị loại không được tính vào số liệu; tệp phản hồi gửi đơn vị ghi lý do từng dòng để sửa và "
               "gửi lại.")


def submission_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every submission with its unit's name (None when the unit could not be identified), newest first."""
    return con.sql(
        "SELECT s.file_name, s.area_code, u.unit_name, s.as_of_date, s.received_at, s.status_name, s.needs_attention, "
        "s.rows_total, s.rows_accepted, s.rows_rejected, s.message, s.feedback_file "
        "FROM submissions s LEFT JOIN units u ON u.unit_code = s.area_code "
        "ORDER BY s.received_at DESC, s.file_name, s.sha256").to_dicts()


def submissions_overview(rows: list[dict]) -> list[str]:
    """The summary by status, then the files that need attention, then the other files with rejected rows."""
    attention = [r for r in rows if r["needs_attention"]]
    partly = [r for r in rows if not r["needs_attention"] and r["rows_rejected"] > 0]
    return [
        _status_summary(rows),
        '<h3 id="problems">Tệp bị tạm giữ hoặc từ chối: đơn vị cần gửi lại</h3>',
        _problem_table(attention) if attention else '<p class="empty">Không có tệp nào bị tạm giữ hoặc từ chối.</p>',
        '<h3 id="rejected-rows">Tệp được nhận nhưng có dòng bị loại</h3>',
        (f'<p class="note">{escape(PARTLY_NOTE)}</p>\n{_rejected_rows_table(partly)}' if partly
         else '<p class="empty">Không có tệp nào khác có dòng bị loại.</p>'),
    ]


def _status_summary(rows: list[dict]) -> str:
    if not rows:
        return '<p class="empty">Chưa nhận được tệp nào.</p>'
    files, accepted, rejected, attention = Counter(), Counter(), Counter(), {}
    for r in rows:
        files[r["status_name"]] += 1
        accepted[r["status_name"]] += r["rows_accepted"]
        rejected[r["status_name"]] += r["rows_rejected"]
        attention[r["status_name"]] = r["needs_attention"]
    order = sorted(files, key=lambda s: (not attention[s], -files[s], fold(s), s))
    body = ["<tr>" + cell(s) + cell(integer(files[s]), "num") + cell(integer(accepted[s]), "num")
            + cell(integer(rejected[s]), "num") + "</tr>" for s in order]
    body.append('<tr class="total">' + cell("Tổng cộng") + cell(integer(len(rows)), "num")
                + cell(integer(sum(accepted.values())), "num") + cell(integer(sum(rejected.values())), "num") + "</tr>")
    return table(["Trạng thái", "Số tệp", "Số dòng được nhận", "Số dòng bị loại"], body, "status-summary")


def _problem_table(rows: list[dict]) -> str:
    body = ["<tr>" + cell(r["file_name"]) + cell(r["unit_name"] or r["area_code"] or UNIDENTIFIED)
            + cell(date(r["as_of_date"]), "date") + cell(local_time(r["received_at"]), "date")
            + cell(r["status_name"])
            + cell(f"{integer(r['rows_rejected'])} / {integer(r['rows_total'])}", "num") + cell(r["message"] or "")
            + "</tr>" for r in rows]
    headers = ["Tệp", "Đơn vị", "Ngày số liệu", RECEIVED, "Trạng thái", "Dòng bị loại / tổng số dòng", "Lý do"]
    return table(headers, body, "submissions")


def _rejected_rows_table(rows: list[dict]) -> str:
    # Newest as-of date first (what the board acts on), units by name within it.
    ordered = sorted(rows, key=lambda r: (-(r["as_of_date"] or dt.date.min).toordinal(), fold(r["unit_name"] or ""),
                                          r["file_name"]))
    body = ["<tr>" + cell(r["file_name"]) + cell(r["unit_name"] or r["area_code"] or UNIDENTIFIED)
            + cell(date(r["as_of_date"]), "date") + cell(local_time(r["received_at"]), "date")
            + cell(r["status_name"])
            + cell(f"{integer(r['rows_rejected'])} / {integer(r['rows_total'])}", "num")
            + cell(r["feedback_file"] or "") + "</tr>" for r in ordered]
    headers = ["Tệp", "Đơn vị", "Ngày số liệu", RECEIVED, "Trạng thái", "Dòng bị loại / tổng số dòng",
               "Tệp phản hồi cho đơn vị"]
    return table(headers, body, "rejected-rows")


def files_by_unit(rows: list[dict]) -> dict[str, list[dict]]:
    """Unit code → its submissions, newest as-of date first, then newest received."""
    by_unit = defaultdict(list)
    for r in rows:
        if r["area_code"] is not None:
            by_unit[r["area_code"]].append(r)
    return {code: sorted(files, key=lambda r: (r["as_of_date"] is not None, r["as_of_date"]), reverse=True)
            for code, files in by_unit.items()}


def unit_files_table(rows: list[dict]) -> str:
    """The files one unit sent: each with its as-of date, arrival, status and rows accepted and rejected."""
    body = ["<tr>" + cell(r["file_name"]) + cell(date(r["as_of_date"]), "date")
            + cell(local_time(r["received_at"]), "date") + cell(r["status_name"])
            + cell(integer(r["rows_accepted"]), "num") + cell(integer(r["rows_rejected"]), "num") + "</tr>"
            for r in rows]
    headers = ["Tệp", "Ngày số liệu", RECEIVED, "Trạng thái", "Dòng được nhận", "Dòng bị loại"]
    return "<h4>Tệp đã nhận</h4>\n" + table(headers, body, "unit-files")
