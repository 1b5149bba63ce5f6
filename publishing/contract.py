"""The published tables' contract, as the dbt project states it, carried into the release so that it describes itself.

The dbt project is the contract's one home (``dbt_project/models/marts/_marts__models.yml``): each mart's description
and its columns' descriptions, and the tests that say which columns are never NULL (``not_null``, a ``rules``
test's ``not_null``: dbt_project/tests/generic/rules.sql) and which columns identify a row
(``unique_combination_of_columns``, ``unique``, a ``rules`` test's ``unique``). This module reads them from the
manifest of the dbt run that built the working warehouse, never from a copy, and turns them into the release's
DuckDB comments, NOT NULL and PRIMARY KEY constraints, and its Parquet files' key-value metadata; and reads them back
from a built release, for the copy of it on PostgreSQL (``publishing.postgres``).

Only a test that holds for every row is a constraint: one with a ``where`` holds for some rows, and one of severity
``warn`` does not stop publication, so a row may break it and the release must still be built.
Not here: which relations are published and in which order (``publishing.release``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

NOT_NULL_TESTS = {"not_null": "column_name"}
KEY_TESTS = {"unique_combination_of_columns": "combination_of_columns", "unique": "column_name"}
RULES_TEST = "rules"  # many rules of one table in one test: its not_null columns, its unique keys (column lists)


@dataclass(frozen=True)
class TableContract:
    description: str
    columns: dict[str, str]  # column → its description, in the model's order
    not_null: tuple[str, ...]
    primary_key: tuple[str, ...]  # () when no unconditional unique test covers only non-NULL columns


def read_contract(manifest: Path, relations: Iterable[str]) -> dict[str, TableContract]:
    """relation (the mart's alias in the working warehouse) → its contract. Raises KeyError for a relation that is
    no model of the manifest: publishing a table dbt does not describe is a mistake to stop at."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    models = {n["alias"]: n for n in nodes.values() if n["resource_type"] == "model"}
    tests: dict[str, list[dict]] = {}
    for node in nodes.values():
        if node["resource_type"] == "test" and _holds_for_every_row(node):
            tests.setdefault(node.get("attached_node") or "", []).append(node["test_metadata"])
    return {relation: _contract(models[relation], tests.get(models[relation]["unique_id"], []))
            for relation in relations}


def _holds_for_every_row(test: dict) -> bool:
    config = test["config"]
    return bool(test.get("test_metadata")) and not config.get("where") and config.get("severity", "").lower() == "error"


def _columns_named(metadata: dict, argument: str) -> tuple[str, ...]:
    value = metadata["kwargs"][argument]
    return (value,) if isinstance(value, str) else tuple(value)


def _one_line(text: str) -> str:
    """The description as one line: its line breaks only wrap the YAML, and a BI tool shows a comment on one."""
    return " ".join(text.split())


def _contract(model: dict, tests: list[dict]) -> TableContract:
    columns = {name: _one_line(column["description"]) for name, column in model["columns"].items()}
    rules = [t["kwargs"] for t in tests if t["name"] == RULES_TEST]
    not_null = {c for t in tests if t["name"] in NOT_NULL_TESTS for c in _columns_named(t, NOT_NULL_TESTS[t["name"]])}
    not_null |= {c for r in rules for c in r.get("not_null", [])}
    keys = [_columns_named(t, KEY_TESTS[t["name"]]) for t in tests if t["name"] in KEY_TESTS]
    keys += [tuple(key) for r in rules for key in r.get("unique", [])]
    # A primary key makes its columns NOT NULL: only a key whose columns the contract already says are never NULL.
    # Of several, the narrowest, so the choice does not depend on the order tests happen to be listed in.
    keys = sorted((k for k in keys if set(k) <= not_null), key=lambda k: (len(k), k))
    return TableContract(
        description=_one_line(model["description"]),
        columns=columns,
        not_null=tuple(c for c in columns if c in not_null),
        primary_key=keys[0] if keys else (),
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def contract_statements(table: str, contract: TableContract) -> list[str]:
    """The SQL that gives ``table`` (qualified as the engine needs) its constraints, then its comments: standard
    SQL that DuckDB and PostgreSQL both run. Constraints first: in DuckDB they rewrite the table's catalog entry."""
    statements = [f"ALTER TABLE {table} ALTER COLUMN {_identifier(column)} SET NOT NULL" for column in contract.not_null]
    if contract.primary_key:
        statements.append(f"ALTER TABLE {table} ADD PRIMARY KEY ({', '.join(map(_identifier, contract.primary_key))})")
    statements.append(f"COMMENT ON TABLE {table} IS {_literal(contract.description)}")
    statements += [f"COMMENT ON COLUMN {table}.{_identifier(column)} IS {_literal(description)}"
                   for column, description in contract.columns.items()]
    return statements


def apply_contract(con: duckdb.DuckDBPyConnection, table: str, contract: TableContract) -> None:
    """Give ``table`` its constraints, then its comments. A row that breaks a constraint raises here, before the
    release can be published: the quality gate that should have stopped it has a gap."""
    for statement in contract_statements(table, contract):
        con.execute(statement)


def release_contract(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> dict[str, TableContract]:
    """table → the contract a built release carries (what :func:`apply_contract` gave it), read from the release's
    own catalog: a copy of the release elsewhere (PostgreSQL) then states exactly what it states, even when the
    working warehouse's manifest has moved on since (a later run that the gate blocked)."""
    contracts = {}
    for table in tables:
        (description,) = con.execute("SELECT comment FROM duckdb_tables() WHERE schema_name = 'main' AND "
                                     "table_name = ?", [table]).fetchone()
        columns = con.execute("SELECT column_name, comment, is_nullable FROM duckdb_columns() WHERE schema_name = "
                              "'main' AND table_name = ? ORDER BY column_index", [table]).fetchall()
        key = con.execute("SELECT constraint_column_names FROM duckdb_constraints() WHERE schema_name = 'main' AND "
                          "table_name = ? AND constraint_type = 'PRIMARY KEY'", [table]).fetchone()
        contracts[table] = TableContract(
            description=description or "",
            columns={name: comment or "" for name, comment, _ in columns},
            not_null=tuple(name for name, _, nullable in columns if not nullable),
            primary_key=tuple(key[0]) if key else (),
        )
    return contracts


def parquet_metadata(contract: TableContract) -> str:
    """The COPY option that writes the descriptions as the Parquet file's key-value metadata: ``description`` for
    the table, ``description:<column>`` for each column (pyarrow: ``read_schema(path).metadata``; DuckDB:
    ``parquet_kv_metadata(path)``). No time or release id: the same data gives the same bytes."""
    pairs = {"description": contract.description} | {f"description:{c}": d for c, d in contract.columns.items()}
    return "KV_METADATA {" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in pairs.items()) + "}"
