"""Publishing: a release folder (read-only DuckDB, Parquet, report.html) built from the working warehouse and
swapped in atomically. Plain Python: no Dagster inside, and nothing read but the warehouse. Not here: deciding
whether to publish (the quality gate's checks, in ``orchestration``)."""
