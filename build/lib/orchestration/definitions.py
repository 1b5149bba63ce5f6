"""The Dagster code location (workspace.yaml): the warehouse configured from the environment."""

from ingest.settings import load_settings
from orchestration.assembly import build_definitions

defs = build_definitions(load_settings())
