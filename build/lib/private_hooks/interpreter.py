"""Ending the process without the interpreter's teardown.

Unloading Dagster, dbt, Great Expectations and pandas object by object takes over a second after every run and does
nothing for the warehouse: by then every file is written and closed and the run lock released. The exit handlers
(temporary folders of an ephemeral Dagster instance, logging) must still run first; Python runs them only through the
private ``atexit._run_exitfuncs``.
"""

import atexit
import os
import sys


def exit_now(code: int) -> None:
    """Run the exit handlers, flush the standard streams, and end the process with ``code``."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
