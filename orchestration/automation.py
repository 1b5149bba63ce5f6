"""When the warehouse job runs: nightly over every unit, and as soon as a district drops a new file."""


import json

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from ingest.errors import SubmissionError
from ingest.receive import scan_inbox
from ingest.reference import load_reference
from ingest.submission import identify_file
from orchestration.partitions import unit_partitions
from orchestration.resources import WarehouseResource

NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Ho_Chi_Minh"


def all_units_tags() -> dict[str, str]:
    """Tags that make one run cover every unit partition (the single-run backfill policy)."""
    keys = unit_partitions.get_partition_keys()
    return {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}


def build_schedule(job) -> dg.ScheduleDefinition:
    @dg.schedule(job=job, cron_schedule=NIGHTLY_CRON, execution_timezone=TIMEZONE, name="nightly",
                 default_status=dg.DefaultScheduleStatus.RUNNING,
                 description="Rebuild everything from what has arrived, as `cadre-warehouse run` does.")
    def nightly(context: dg.ScheduleEvaluationContext):
        return dg.RunRequest(run_key=None, tags=all_units_tags())

    return nightly


def build_inbox_sensor(job) -> dg.SensorDefinition:
    @dg.sensor(job=job, name="inbox", minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
               description="A new or changed file in the inbox starts a run for its unit's partition.")
    def inbox(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        seen = set(json.loads(context.cursor)) if context.cursor else set()
        reference = load_reference()
        requests = []
        for inbox_file in scan_inbox(settings.inbox) if settings.inbox.is_dir() else []:
            if inbox_file.sha256 in seen:
                continue
            seen.add(inbox_file.sha256)
            try:
                identity = identify_file(inbox_file.path, inbox_file.file_name, reference, settings)
            except SubmissionError as error:
                # Logged once (the hash is in the cursor now); the nightly run records it as rejected.
                context.log.warning(f"{inbox_file.file_name}: not processed — {error.code}: {error.message}")
                continue
            requests.append(dg.RunRequest(run_key=inbox_file.sha256, partition_key=identity.unit_code,
                                          tags={"cadre/file": inbox_file.file_name[:200]}))
        context.update_cursor(json.dumps(sorted(seen)))
        return requests or dg.SkipReason("no new file in the inbox")

    return inbox
