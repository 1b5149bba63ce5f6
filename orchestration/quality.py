"""The quality gate: Great Expectations suites as blocking asset checks on the dbt models they guard.

All suites run in one step, so GX is imported once and the warehouse is opened once, on whichever engine dbt built
it (``engines.reader``): the same suites, the same queries. A failing expectation of
severity ``error`` fails its check with ERROR severity, and the publish asset does not run; ``warn`` expectations
(a quarantined file) fail it with WARN severity, without blocking; ``info`` ones (units that have not reported yet,
normal during a reporting period) leave it passed, listed in its metadata.
"""

import dagster as dg

from engines.reader import open_warehouse
from expectations import load_suites, report_path, validate, write_report
from orchestration.resources import WarehouseLock, WarehouseResource

EXAMPLES_SHOWN = 5


def _check_name(suite_name: str) -> str:
    return f"gx_{suite_name}"


def _description(suite) -> str:
    return (f"{suite.description_vi} / {suite.description}\n\n"
            f"Bộ kiểm tra Great Expectations `{suite.name}` trên bảng `{suite.table}` / Great Expectations suite "
            f"`{suite.name}` on `{suite.table}`: expectations/suites/{suite.name}.json")


def _metadata(result, report_path) -> dict:
    failed = [o for o in result.results if not o.success]
    return {
        "suite": result.suite,
        "expectations": dg.MetadataValue.int(len(result.results)),
        "failed": dg.MetadataValue.md(
            "\n".join(
                f"- **{o.severity}** `{o.type}` on `{o.column}` — observed {o.observed}; examples "
                f"{o.examples[:EXAMPLES_SHOWN]} ({o.why_vi} / {o.why})"
                for o in failed
            ) or "none"
        ),
        "report": dg.MetadataValue.url(report_path.as_uri()),
    }


def build_quality_checks() -> dg.AssetChecksDefinition:
    suites = load_suites()
    specs = [dg.AssetCheckSpec(_check_name(s.name), asset=dg.AssetKey([s.table]), blocking=True,
                               description=_description(s))
             for s in suites]

    @dg.multi_asset_check(specs=specs, name="great_expectations")
    def great_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                           warehouse_lock: WarehouseLock):
        settings = warehouse.settings()
        params = {"max_reject_share": settings.max_reject_share}
        with open_warehouse(settings) as engine:
            results = [validate(suite, engine, params) for suite in suites]
        path = report_path(settings.quality, context.op_execution_context.run_id)
        report = write_report(results, path, keep=settings.runs_kept)
        for suite, result in zip(suites, results):
            yield dg.AssetCheckResult(
                check_name=_check_name(suite.name),
                asset_key=dg.AssetKey([suite.table]),
                passed=result.success and not result.warnings,
                severity=dg.AssetCheckSeverity.WARN if result.success else dg.AssetCheckSeverity.ERROR,
                metadata=_metadata(result, report),
            )

    return great_expectations
