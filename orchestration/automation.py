"""When the warehouse job runs: nightly over every unit, and as soon as new files arrive (one run per sensor tick)."""

import hashlib
import json

import dagster as dg

from ingest.errors import SubmissionError
from ingest.receive import load_receipt, scan_inbox
from ingest.reference import Reference, load_reference
from ingest.routing import route_file
from ingest.settings import TIME_ZONE
from orchestration.partitions import every_unit_tags
from orchestration.resources import WarehouseResource
from private_hooks.dagster import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

NIGHTLY_CRON = "0 2 * * *"


def build_schedule(job, partitions: dg.StaticPartitionsDefinition) -> dg.ScheduleDefinition:
    @dg.schedule(job=job, cron_schedule=NIGHTLY_CRON, execution_timezone=TIME_ZONE, name="nightly",
                 default_status=dg.DefaultScheduleStatus.RUNNING,
                 description="Rebuild everything from what has arrived, as `cadre-warehouse run` does.")
    def nightly(context: dg.ScheduleEvaluationContext):
        return dg.RunRequest(run_key=None, tags=every_unit_tags(partitions))

    return nightly


def build_inbox_sensor(job) -> dg.SensorDefinition:
    @dg.sensor(job=job, name="inbox", minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
               description="New files in the inbox start one run over their units' partitions; a file whose content "
               "the archive already holds starts none.")
    def inbox(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        seen = set(json.loads(context.cursor)) if context.cursor else set()
        reference = load_reference(settings.seeds)
        new: dict[str, list[str]] = {}  # unit code → the new files' names
        hashes = []
        for inbox_file in scan_inbox(settings.inbox) if settings.inbox.is_dir() else []:
            if inbox_file.sha256 in seen:
                continue
            seen.add(inbox_file.sha256)
            # Received before (by a run, under this name or another): its content is counted already.
            if load_receipt(settings.archive, inbox_file.sha256) is not None:
                continue
            try:
                identity = route_file(inbox_file.path, inbox_file.file_name, inbox_file.sha256, settings, reference)
            except SubmissionError as error:
                # Logged once (the hash is in the cursor now); the nightly run records it as rejected.
                context.log.warning(f"{inbox_file.file_name}: not processed — {error.code}: {error.message}")
                continue
            new.setdefault(identity.unit_code, []).append(inbox_file.file_name)
            hashes.append(inbox_file.sha256)
        context.update_cursor(json.dumps(sorted(seen)))
        if not new:
            return dg.SkipReason("no new file in the inbox")
        return _run_request(new, hashes, reference)

    return inbox


def _run_request(new: dict[str, list[str]], hashes: list[str], reference: Reference) -> dg.RunRequest:
    """One run for every file of the tick: files that arrive together (a morning's submissions) queue one run, not
    one per file. One unit: its partition (dbt rebuilds that unit only); several: the range of partition keys from
    the first to the last, which ingests the units in between from their parse records at little cost."""
    units = sorted(new)
    files = sorted(f for names in new.values() for f in names)
    run_key = hashlib.sha256("".join(sorted(hashes)).encode()).hexdigest()
    tags = {"cadre/files": str(len(files)), "cadre/file": files[0][:200] if len(files) == 1 else f"{len(files)} files",
            "cadre/unit": reference.units[units[0]].name if len(units) == 1 else f"{len(units)} units"}
    if len(units) == 1:
        return dg.RunRequest(run_key=run_key, partition_key=units[0], tags=tags)
    return dg.RunRequest(run_key=run_key, tags=tags | {ASSET_PARTITION_RANGE_START_TAG: units[0],
                                                      ASSET_PARTITION_RANGE_END_TAG: units[-1]})
