"""The read-only role BI servers log in as on the PostgreSQL publication: ``cadre_reader``.

It may read the published schema ``cadre`` and nothing else the warehouse writes there: USAGE on the schema and
SELECT on its tables, granted on the schema being loaded so that they travel with it when it is renamed ``cadre``;
never CREATE, never a write. The rollback schema ``cadre_previous`` is the operator's, not BI's: the swap takes the
reader's grants back from it, so a BI server cannot read the old release by mistake.

Its password (CADRE_POSTGRES_READER_PASSWORD) reaches the server only as a SCRAM-SHA-256 verifier computed here, the
way ``psql``'s ``\\password`` does it: no statement the server could log, and no error that could repeat a statement,
holds the password itself.
Not here: loading and swapping the schemas (``publishing.postgres``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from engines.postgres import server_reason

READER = "cadre_reader"
# PostgreSQL's own choice for a verifier (scram_iterations, 4096 by default).
SCRAM_ITERATIONS = 4096
SCRAM_SALT_BYTES = 16


class ReaderRoleError(RuntimeError):
    """The reader role cannot be made ready: its message says so in Vietnamese, then English."""


def scram_verifier(password: str) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802 and 7677). Only printable ASCII:
    libpq normalises other characters (SASLprep) before it hashes them, and a verifier made without that would
    never match."""
    if not password.isascii() or not password.isprintable():
        raise ReaderRoleError(
            "CADRE_POSTGRES_READER_PASSWORD chỉ được gồm ký tự ASCII in được (ví dụ: openssl rand -hex 24) / "
            "CADRE_POSTGRES_READER_PASSWORD must be printable ASCII only (e.g. openssl rand -hex 24)")
    salt = secrets.token_bytes(SCRAM_SALT_BYTES)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    encoded = [base64.b64encode(part).decode() for part in (salt, hashlib.sha256(client_key).digest(), server_key)]
    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{encoded[0]}${encoded[1]}:{encoded[2]}"


def _literal(text: str) -> str:
    # A verifier is base64 and punctuation with no quote in it; doubling quotes keeps that true of any text.
    return "'" + text.replace("'", "''") + "'"


def ready_reader(cursor, password: str | None) -> None:
    """Create ``cadre_reader`` (LOGIN, with ``password``), or give the existing role ``password``; with no password
    an existing role keeps its own. Raises ReaderRoleError before anything is loaded when the role does not exist
    and no password is set (BI servers would have no way in), or when the server refuses (no CREATEROLE)."""
    cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname = $1", parameters=(READER,))
    exists = cursor.fetchone()[0] == 1
    if password is None:
        if exists:
            return
        raise ReaderRoleError(
            f"chưa có vai trò chỉ đọc {READER} trên máy chủ PostgreSQL và chưa đặt CADRE_POSTGRES_READER_PASSWORD: "
            f"hãy đặt mật khẩu đó (kho sẽ tự tạo vai trò), hoặc nhờ quản trị viên tạo vai trò (docs/deploy.md) / "
            f"the read-only role {READER} does not exist on the PostgreSQL server and CADRE_POSTGRES_READER_PASSWORD "
            f"is not set: set that password (the warehouse then creates the role), or have the DBA create the role "
            f"(docs/deploy.md)")
    verb, verifier = ("ALTER" if exists else "CREATE"), scram_verifier(password)
    try:
        cursor.execute(f"{verb} ROLE {READER} LOGIN PASSWORD {_literal(verifier)}")
    except Exception as error:
        # The driver's message repeats the statement, verifier included: only the server's reason goes on.
        reason = server_reason(error)
        raise ReaderRoleError(
            f"không tạo hoặc đặt mật khẩu được cho vai trò {READER} (vai trò của kho cần quyền CREATEROLE, hoặc quản "
            f"trị viên tạo sẵn {READER}) / cannot create {READER} or set its password (the warehouse's role needs "
            f"CREATEROLE, or the DBA creates {READER} beforehand): {reason}") from None


def grant_reader(cursor, schema: str) -> None:
    """Let the reader read every table of ``schema``, and only read."""
    cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {READER}")
    cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {READER}")


def revoke_reader(cursor, schema: str) -> None:
    """Take every grant on ``schema`` and its tables back from the reader."""
    cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {READER}")
    cursor.execute(f"REVOKE ALL ON SCHEMA {schema} FROM {READER}")
