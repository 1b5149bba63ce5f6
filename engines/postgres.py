"""Connections to PostgreSQL through ADBC, whose COPY-based ingest and Arrow results need no row-by-row path.

A URL (``postgresql://user:password@host:port/database``) carries a password: it is never logged or shown, and
:func:`without_password` takes it out of any message that might repeat it. With no URL, libpq's own environment
(PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD or PGPASSFILE) names the server, as it does for dbt and psql.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import adbc_driver_postgresql.dbapi as adbc

LIBPQ_ENVIRONMENT = "postgresql://"
# libpq also takes the password as a parameter of the URL (…/cadre?password=…): masked like the one before the @.
QUERY_PASSWORD = re.compile(r"(?i)(\bpassword=)[^&#\s]*")


def connect(url: str | None = None) -> adbc.Connection:
    """An ADBC connection (autocommit off: every change is in a transaction until ``commit``)."""
    return adbc.connect(url or LIBPQ_ENVIRONMENT)


def without_password(message: str, url: str | None) -> str:
    """``message`` with the URL's password, the URL itself and any ``password=`` setting masked."""
    if url:
        message = message.replace(url, redacted(url))
        for password in _passwords(url):
            message = message.replace(password, "***").replace(unquote(password), "***")
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", message, flags=re.IGNORECASE)


def _passwords(url: str) -> list[str]:
    parts = urlsplit(url)
    given = [parts.password] if parts.password else []
    return [*given, *(value for value in parse_qs(parts.query).get("password", []) if value)]


def redacted(url: str) -> str:
    """The URL as it may be shown: its password, before the @ or as a parameter, replaced by ***."""
    parts = urlsplit(url)
    if parts.password is not None:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return parts._replace(query=QUERY_PASSWORD.sub(r"\1***", parts.query)).geturl()


def server_reason(error: Exception) -> str:
    """What the server or libpq said in ``error``, without the statement ADBC appends ("Query was: …"): a message
    never repeats a statement, which may hold what no log should."""
    return str(error).split("Query was:")[0].strip()
