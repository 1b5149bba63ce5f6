"""Dagster wiring only: one module per integration (ingest, dbt, quality, publish, automation), their resources
and partitions, and the assembly. Not here: how a spreadsheet is read (``ingest``), what the checks are
(``expectations``), how a release is built (``publishing``), the command line (``cli``)."""
