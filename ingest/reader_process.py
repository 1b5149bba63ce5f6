"""How a reader worker process (``ingest.parsing``) is set up, before it imports polars.

There is one reader per core, so polars' own thread pool in each would only make the readers take cores from each
other. And a reader frees every file's cells and then takes as much memory again for the next file: polars'
allocator (jemalloc) would hand the freed pages back to the kernel half a second later (polars' own setting), and
each page taken back costs a page fault, so a reader keeps them; it lives only as long as the lake step that started
it (docs/performance.md).

Both settings are read once, when polars loads, so they have to be in the environment before it does: this module
imports nothing that loads polars, and ``prepare`` is the pool's initializer, which runs in the new process before the
first task (whose function is in ``ingest.parsing``) is unpickled.
"""

from __future__ import annotations

import os

THREADS = "1"
# Appended to whatever the environment already says (an operator's own options stay); polars puts its defaults
# before it when it loads, and of two values of one option jemalloc keeps the last.
KEEP_FREED_PAGES = "dirty_decay_ms:-1,muzzy_decay_ms:-1"


def prepare() -> None:
    """Set the reader's environment (a process's own: the parent's is not changed)."""
    os.environ["POLARS_MAX_THREADS"] = THREADS
    os.environ["_RJEM_MALLOC_CONF"] = ",".join(filter(None, [os.environ.get("_RJEM_MALLOC_CONF"), KEEP_FREED_PAGES]))
