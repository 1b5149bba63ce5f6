"""The publication on PostgreSQL, for BI servers: a built release copied into schema ``cadre``, swapped in atomically.

The source is a release already published as files (``publishing.release``), its warehouse.duckdb opened read-only:
PostgreSQL then holds exactly what the DuckDB publication holds, the same release id, and the same contract
(comments, NOT NULL, primary keys) read back from the release (``publishing.contract.release_contract``). The rows
travel DuckDB → Arrow → COPY (ADBC's bulk ingest), never row by row.

One transaction does it all, so a publication that fails or is killed anywhere leaves nothing of itself and
``cadre`` serving the previous release:
1. ``pg_advisory_xact_lock``: one publisher at a time per database;
2. the read-only role ready (``publishing.postgres_roles``), refused before any load if it cannot be;
3. ``cadre_next`` loaded: every table, its contract, the metadata table ``release``, the reader's grants (which
   travel with the schema when it is renamed);
4. the swap: lock every table of ``cadre`` and ``cadre_previous``, drop ``cadre_previous``, rename ``cadre`` to
   ``cadre_previous`` (kept for rollback) and ``cadre_next`` to ``cadre``; commit.

Why the locks of step 4: PostgreSQL resolves a name against the newest catalog, not against a reader's snapshot. A
reader's transaction holds a share lock on each table it touched until it ends, so the swap waits for readers in
flight; a reader that queues behind the swap resolves its names again once the swap commits, and in READ COMMITTED
takes a fresh snapshot too: every statement of a reader's transaction sees one release. The swap takes its locks
table by table, so a reader holding one table and asking for another the swap holds would deadlock with it, and
PostgreSQL would cancel one of the two, perhaps the reader. So each attempt waits a fifth of ``deadlock_timeout``
at most, well before PostgreSQL looks for a deadlock, then gives its locks back (a subtransaction on the server) and
tries again, starting from the table it waited for, for up to ``lock_timeout_seconds``
(CADRE_POSTGRES_LOCK_TIMEOUT_SECONDS).
Not here: the reader role (``publishing.postgres_roles``); connections and redaction (``engines.postgres``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from engines.postgres import connect, redacted, server_reason, without_password
from publishing.contract import TableContract, contract_statements, release_contract
from publishing.postgres_roles import ReaderRoleError, grant_reader, ready_reader, revoke_reader
from publishing.release import PUBLISHED_TABLES, published_at

SCHEMA = "cadre"
PREVIOUS = "cadre_previous"
NEXT = "cadre_next"
METADATA = "release"
# pg_advisory_xact_lock's key for "a publication of Cadre Warehouse into this database" (the bytes of "cadr").
PUBLISHER_LOCK = 0x63616472
LOCK_NOT_AVAILABLE = "55P03"
METADATA_CONTRACT = TableContract(
    description="Which release this schema holds (one row per published table): the same release id as the "
    "DuckDB/Parquet publication's folder, and each table's row count, for a reader to check what it reads.",
    columns={
        "release_id": "The release's id: releases/<release_id>/ of the warehouse that published it.",
        "published_at": "When the release was built (UTC).",
        "table_name": "A published table of this schema.",
        "row_count": "How many rows that table holds in this release.",
    },
    not_null=("release_id", "published_at", "table_name", "row_count"),
    primary_key=("table_name",),
)
RETRY = ("sửa nguyên nhân rồi chạy `cadre-warehouse publish-postgres` (docs/operations.md)",
         "fix the cause, then run `cadre-warehouse publish-postgres` (docs/operations.md)")


class PostgresPublishError(RuntimeError):
    """A publication to PostgreSQL that did not happen, PostgreSQL serving the previous one. The message says why
    (Vietnamese, then English) and holds no password."""


@dataclass(frozen=True)
class PostgresPublication:
    release_id: str
    row_counts: dict[str, int]


def publish_release(release: Path, url: str, reader_password: str | None,
                    lock_timeout_seconds: float) -> PostgresPublication:
    """Make the built release folder ``release`` what schema ``cadre`` of the database at ``url`` serves. Raises
    PostgresPublishError (the server unreachable, refused, a lock held too long, the load failing) with nothing
    changed on the server."""
    try:
        connection = connect(url)
    except Exception as error:
        raise _refusal(f"không kết nối được máy chủ PostgreSQL {redacted(url)}",
                       f"cannot connect to the PostgreSQL server {redacted(url)}", error, url, reader_password) from None
    try:
        with connection, connection.cursor() as cursor, duckdb.connect(str(release / "warehouse.duckdb"),
                                                                        read_only=True) as source:
            cursor.execute(f"SELECT pg_advisory_xact_lock({PUBLISHER_LOCK})")
            ready_reader(cursor, reader_password)
            counts = _load(cursor, source, release.name)
            grant_reader(cursor, NEXT)
            _swap(cursor, lock_timeout_seconds)
            connection.commit()
            return PostgresPublication(release.name, counts)
    except (ReaderRoleError, PostgresPublishError) as error:
        raise PostgresPublishError(_masked(f"{error}", url, reader_password)) from None
    except Exception as error:
        raise _refusal("tải bản công bố lên PostgreSQL thất bại", "loading the publication into PostgreSQL failed",
                       error, url, reader_password) from None


def _load(cursor, source: duckdb.DuckDBPyConnection, release_id: str) -> dict[str, int]:
    """Every published table into a new ``cadre_next``, with its contract, and the metadata table; the row counts."""
    cursor.execute(f"DROP SCHEMA IF EXISTS {NEXT} CASCADE")
    cursor.execute(f"CREATE SCHEMA {NEXT}")
    contracts = release_contract(source, PUBLISHED_TABLES)
    counts = {}
    for table in PUBLISHED_TABLES:
        counts[table] = cursor.adbc_ingest(table, source.sql(f"SELECT * FROM {table}").to_arrow_reader(),
                                           mode="create", db_schema_name=NEXT)
        _apply(cursor, f"{NEXT}.{table}", contracts[table])
    metadata = pa.table({
        "release_id": pa.array([release_id] * len(counts), pa.string()),
        "published_at": pa.array([published_at(release_id)] * len(counts), pa.timestamp("us", tz="UTC")),
        "table_name": pa.array(list(counts), pa.string()),
        "row_count": pa.array(list(counts.values()), pa.int64()),
    })
    cursor.adbc_ingest(METADATA, metadata, mode="create", db_schema_name=NEXT)
    _apply(cursor, f"{NEXT}.{METADATA}", METADATA_CONTRACT)
    return counts


def _apply(cursor, table: str, contract: TableContract) -> None:
    for statement in contract_statements(table, contract):
        cursor.execute(statement)


def _schemas(cursor) -> set[str]:
    cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)", parameters=([SCHEMA, PREVIOUS],))
    return {name for (name,) in cursor.fetchall()}


def _lock_published(seconds: float) -> str:
    """The statement that takes every table of ``cadre`` and ``cadre_previous`` IN ACCESS EXCLUSIVE MODE, in
    attempts of a fifth of ``deadlock_timeout`` each (all the attempt's waits together, so no lock is held long
    enough for PostgreSQL to look for a deadlock) for up to ``seconds``; it raises lock_not_available after that.

    The attempts are a PL/pgSQL exception block, a subtransaction on the server: a failed one is rolled back there,
    keeping the load, and the client (whose driver refuses to go on in a failed transaction) never sees it. The
    table an attempt waited for is taken first by the next: waiting for it while holding nothing, the swap lets the
    readers that hold it finish, and those that come after queue behind it, so a steady stream of readers that
    start from the same table cannot keep it out."""
    return f"""DO $$
DECLARE
  tables text[] := ARRAY(SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
                         WHERE schemaname IN ('{SCHEMA}', '{PREVIOUS}') ORDER BY schemaname, tablename);
  waited_for text;
  deadline timestamptz := clock_timestamp() + make_interval(secs => {float(seconds)});
  attempt_ends timestamptz;
  left_ms integer;
BEGIN
  LOOP
    BEGIN
      -- lock_timeout bounds each wait, not an attempt's sum of them: each LOCK gets what is left of the attempt.
      attempt_ends := clock_timestamp() + current_setting('deadlock_timeout')::interval / 5;
      FOREACH waited_for IN ARRAY tables LOOP
        left_ms := ceil(extract(epoch FROM attempt_ends - clock_timestamp()) * 1000);
        IF left_ms < 1 THEN
          RAISE EXCEPTION USING ERRCODE = 'lock_not_available';
        END IF;
        PERFORM set_config('lock_timeout', left_ms || 'ms', true);
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', waited_for);
      END LOOP;
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      IF clock_timestamp() >= deadline THEN
        RAISE;
      END IF;
      tables := waited_for || array_remove(tables, waited_for);
    END;
  END LOOP;
END $$"""


def _swap(cursor, lock_timeout_seconds: float) -> None:
    """``cadre_next`` becomes ``cadre``, ``cadre`` becomes ``cadre_previous``, once no reader is in the middle of
    one of their tables (the module's docstring says why the locks, and why in short attempts)."""
    try:
        cursor.execute(_lock_published(lock_timeout_seconds))
    except Exception as error:
        if getattr(error, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        raise PostgresPublishError(
            f"các truy vấn BI giữ bảng của schema {SCHEMA} quá {lock_timeout_seconds:.0f} giây nên chưa đổi được bản "
            f"công bố, PostgreSQL vẫn phục vụ bản trước; {RETRY[0]} (CADRE_POSTGRES_LOCK_TIMEOUT_SECONDS đặt thời gian "
            f"chờ) / BI queries held the tables of schema {SCHEMA} for more than {lock_timeout_seconds:.0f} s, so the "
            f"publication could not be swapped in, PostgreSQL still serves the previous one; {RETRY[1]} "
            f"(CADRE_POSTGRES_LOCK_TIMEOUT_SECONDS sets the wait)") from None
    schemas = _schemas(cursor)
    cursor.execute(f"DROP SCHEMA IF EXISTS {PREVIOUS} CASCADE")
    if SCHEMA in schemas:
        cursor.execute(f"ALTER SCHEMA {SCHEMA} RENAME TO {PREVIOUS}")
        revoke_reader(cursor, PREVIOUS)
    cursor.execute(f"ALTER SCHEMA {NEXT} RENAME TO {SCHEMA}")


def _masked(message: str, url: str, reader_password: str | None) -> str:
    message = without_password(message, url)
    return message.replace(reader_password, "***") if reader_password else message


def _refusal(vi: str, en: str, error: Exception, url: str, reader_password: str | None) -> PostgresPublishError:
    """The error to raise for ``error``: what failed, the server's words, what to do; PostgreSQL is unchanged."""
    return PostgresPublishError(_masked(
        f"{vi}, PostgreSQL vẫn phục vụ bản công bố trước; {RETRY[0]} / {en}, PostgreSQL still serves the previous "
        f"publication; {RETRY[1]}: {server_reason(error)}", url, reader_password))
