"""Great Expectations quality gate: JSON suites in `suites/`, run by `runner`, reported by `report`.

Plain Python without Dagster: `orchestration/` turns each suite into an asset check on the dbt model it guards.
"""

from expectations.runner import (
    ExpectationOutcome,
    ExpectationSpec,
    Suite,
    SuiteResult,
    load_suites,
    validate,
    write_report,
)

__all__ = ["ExpectationOutcome", "ExpectationSpec", "Suite", "SuiteResult", "load_suites", "validate", "write_report"]
