"""When the warehouse job runs: nightly over every unit, and as soon as a unit drops a new file."""

import json

import dagster as dg

from ingest.errors import SubmissionError
from ingest.receive import scan_inbox
from ingest.reference import load_reference
from ingest.routing import route_file
from orchestration.partitions import every_unit_tags
from orchestration.resources import WarehouseResource

NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Ho_Chi_Minh"


def build_schedule(job, partitions: dg.StaticPartitionsDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(job=job, cron_schedule=NIGHTLY_CRON, execution_timezone=TIMEZONE, name="nightly",
                 default_status=dg.DefaultScheduleStatus.RUNNING,
                 description="Rebuild everything from what has arrived, as `cadre-warehouse run` does.")
    def nightly(context: dg.ScheduleEvaluationContext):
        return dg.RunRequest(run_key=None, tags=every_unit_tags(partitions))

    return nightly


def build_inbox_sensor(job) -> dg.SensorDefinition:
    @dg.sensor(job=job, name="inbox", minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
               description="A new or changed file in the inbox starts a run for its unit's partition.")
    def inbox(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        seen = set(json.loads(context.cursor)) if context.cursor else set()
        reference = load_reference(settings.seeds)
        requests = []
        for inbox_file in scan_inbox(settings.inbox) if settings.inbox.is_dir() else []:
            if inbox_file.sha256 in seen:
                continue
            seen.add(inbox_file.sha256)
            try:
                identity = route_file(inbox_file.path, inbox_file.file_name, inbox_file.sha256, settings, reference)
            except SubmissionError as error:
                # Logged once (the hash is in the cursor now); the nightly run records it as rejected.
                context.log.warning(f"{inbox_file.file_name}: not processed — {error.code}: {error.message}")
                continue
            requests.append(dg.RunRequest(run_key=inbox_file.sha256, partition_key=identity.unit_code,
                                          tags={"cadre/file": inbox_file.file_name[:200],
                                                "cadre/unit": reference.units[identity.unit_code].name}))
        context.update_cursor(json.dumps(sorted(seen)))
        return requests or dg.SkipReason("no new file in the inbox")

    return inbox
