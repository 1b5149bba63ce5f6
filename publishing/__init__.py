"""Publishing: a release folder (read-only DuckDB, Parquet, report.html, the board's bao_cao_chi_so.xlsx, README.txt)
built from the working warehouse and swapped in atomically. Plain Python: no Dagster inside, and nothing read but the
warehouse (the working database and the manifest of the dbt run that built it). Not here: deciding whether to
publish (the quality gate's checks, in ``orchestration``)."""
