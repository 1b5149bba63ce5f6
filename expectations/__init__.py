"""Great Expectations quality gate: JSON suites in `suites/`, run by `runner`, reported by `report`.

Plain Python without Dagster: `orchestration/` turns each suite into an asset check on the dbt model it guards.
Not here: building the marts (dbt) and deciding what to publish (the publish asset reads the checks' results).
"""

from expectations.report import copy_latest_report, latest_report, report_path, write_report
from expectations.runner import ExpectationOutcome, ExpectationSpec, Suite, SuiteResult, load_suites, validate

__all__ = ["ExpectationOutcome", "ExpectationSpec", "Suite", "SuiteResult", "copy_latest_report", "latest_report",
           "load_suites", "report_path", "validate", "write_report"]
