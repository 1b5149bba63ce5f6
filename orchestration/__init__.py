"""Dagster wiring only: one module per integration (ingest, dbt, quality, publish, automation), their resources
and partitions, the warehouse's run lock (``run_lock``, which the command line takes too), and the assembly. Not
here: how a spreadsheet is read (``ingest``), what the checks are (``expectations``), how a release is built
(``publishing``), the command line (``cli``)."""
