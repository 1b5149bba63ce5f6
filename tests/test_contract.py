"""Which of a mart's dbt tests become the published table's constraints, read from a manifest written here in the
shape dbt 1.11 writes (schema v12: models with columns, tests with ``test_metadata`` and ``attached_node``)."""

from __future__ import annotations

import json

import duckdb
import pytest

from publishing.contract import apply_contract, read_contract

MODEL = "model.cadre_warehouse.reporting_units"


def _test(name: str, kwargs: dict, where: str | None = None, severity: str = "ERROR") -> dict:
    return {"resource_type": "test", "attached_node": MODEL, "config": {"where": where, "severity": severity},
            "test_metadata": {"name": name, "kwargs": kwargs, "namespace": None}}


@pytest.fixture
def manifest(tmp_path):
    nodes = {
        MODEL: {"resource_type": "model", "unique_id": MODEL, "alias": "units",
                "description": "Reporting units\n(Danh mục đơn vị).\n",
                "columns": {"unit_code": {"description": "GSO code."}, "unit_name": {"description": "It's the name."},
                            "parent_code": {"description": "The province's code."}}},
        "test.a": _test("rules", {"not_null": ["unit_code"]}),
        "test.b": _test("not_null", {"column_name": "unit_name"}),
        "test.c": _test("not_null", {"column_name": "parent_code"}, where="unit_level <> 'province'"),
        "test.d": _test("not_null", {"column_name": "parent_code"}, severity="warn"),
        "test.e": _test("unique_combination_of_columns", {"combination_of_columns": ["unit_code", "unit_name"]}),
        "test.f": _test("unique", {"column_name": "unit_code"}),
        "test.g": _test("unique", {"column_name": "parent_code"}),  # parent_code may be NULL: not a key
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    return path


def test_only_tests_that_hold_for_every_row_make_columns_not_null(manifest):
    contract = read_contract(manifest, ["units"])["units"]
    assert contract.not_null == ("unit_code", "unit_name")  # not parent_code: its tests have a where, or only warn


def test_the_primary_key_is_the_narrowest_unique_test_over_not_null_columns(manifest):
    assert read_contract(manifest, ["units"])["units"].primary_key == ("unit_code",)


def test_descriptions_become_one_line_comments_and_the_constraints_hold(manifest):
    contract = read_contract(manifest, ["units"])["units"]
    with duckdb.connect() as con:
        con.execute("create table units as select * from (values ('20', 'Tỉnh Lạng Sơn', null)) "
                    "as v(unit_code, unit_name, parent_code)")
        apply_contract(con, "units", contract)
        assert con.execute("select comment from duckdb_tables()").fetchone() == ("Reporting units (Danh mục đơn vị).",)
        assert con.execute("select column_name, comment, is_nullable from duckdb_columns() where not internal "
                           "order by column_index").fetchall() == [
            ("unit_code", "GSO code.", False), ("unit_name", "It's the name.", False),
            ("parent_code", "The province's code.", True)]
        with pytest.raises(duckdb.ConstraintException):
            con.execute("insert into units values ('20', 'Again', null)")


def test_a_relation_dbt_does_not_describe_is_refused(manifest):
    with pytest.raises(KeyError):
        read_contract(manifest, ["units", "people"])


def test_a_rules_tests_not_null_columns_and_keys_are_constraints_as_the_single_tests_are(tmp_path):
    rules = {"not_null": ["unit_code", "unit_name"], "unique": [["unit_code", "unit_name"], ["unit_code"]],
             "relationships": [{"column": "parent_code", "to": "ref('units')", "field": "unit_code"}]}
    nodes = {
        MODEL: {"resource_type": "model", "unique_id": MODEL, "alias": "units", "description": "Units.",
                "columns": {"unit_code": {"description": "GSO code."}, "unit_name": {"description": "Name."},
                            "parent_code": {"description": "Province."}}},
        "test.a": _test("rules", rules),
        "test.b": _test("rules", {"not_null": ["parent_code"]}, severity="warn"),
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    contract = read_contract(path, ["units"])["units"]
    assert contract.not_null == ("unit_code", "unit_name")
    assert contract.primary_key == ("unit_code",)
