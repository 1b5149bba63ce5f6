"""dagster-dbt's dbt CLI resource without two start-up costs this warehouse never uses.

Before each command dagster-dbt runs ``dbt --version`` in a subprocess, and loads the project's profile and dbt
adapter in this process, only to fetch column metadata and row counts afterwards, which the warehouse does not ask
for (its checks are dbt tests and Great Expectations). The dbt it runs is the one installed beside this Python, so
its version is the installed dbt-core's. Both methods are private hooks of dagster-dbt.
"""

import importlib.metadata
from functools import cached_property

from dagster_dbt import DbtCliResource
from packaging import version

OVERRIDDEN = ("_cli_version", "_initialize_dbt_core_adapter")


class FastStartDbtCliResource(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None
