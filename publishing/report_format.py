"""How the report writes numbers, dates, times and table markup: Vietnamese style (41,5 % — 1.234 — 15/10/2020 —
08:30 giờ Hà Nội), every percentage beside the exact counts it comes from, every string from the data HTML-escaped.

Not here: which rows a table shows (``report_tables``, ``report_units``).
"""

import datetime as dt
from functools import lru_cache
from html import escape
from zoneinfo import ZoneInfo

from ingest.settings import TIME_ZONE

# The board reads Hanoi time; the published tables keep UTC (`submissions.received_at`, no time zone).
LOCAL_TIME = ZoneInfo(TIME_ZONE)
LOCAL_TIME_LABEL = "giờ Hà Nội, GMT+7"


def share(value_pct: float, numerator: int, denominator: int) -> str:
    """A share with its counts, "41,5 % (17/41)": a reader can always check the percentage, and a small body's
    100 % (1/1) does not read like a large one's."""
    return f"{decimal(value_pct)} % ({integer(numerator)}/{integer(denominator)})"


def decimal(value: float, signed: bool = False) -> str:
    """One decimal with a decimal comma (41,5 / +3,2), rounded for display only: the tables keep the exact value."""
    return format(value, "+.1f" if signed else ".1f").replace(".", ",")


def integer(value: int | None) -> str:
    return "—" if value is None else format(value, ",").replace(",", ".")


def date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def local_time(utc: dt.datetime | None) -> str:
    """A UTC time without a time zone, as the published tables hold it, in Hanoi time: "02/07/2025 15:00"."""
    if utc is None:
        return "—"
    return utc.replace(tzinfo=dt.UTC).astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")


def term(value: str) -> str:
    """A term as printed in Party documents, with an en dash: "2020–2025" (the tables write "2020-2025")."""
    return value.replace("-", "–")


def table(headers: list[str], body: list[str], name: str) -> str:
    """A `<table class="name">` of already rendered `<tr>` rows."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<table class="{name}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body) + "\n</tbody>\n</table>"


@lru_cache(maxsize=1 << 16)  # a big report repeats the same few thousand cells (names, shares, verdicts) many times
def cell(text: str, css_class: str = "") -> str:
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<td{attribute}>{escape(text)}</td>"
