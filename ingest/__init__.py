"""ingest: how a roster spreadsheet from the inbox becomes typed, coded rows in the lake, with every file archived
and every row not counted given a reason the clerk receives (docs/architecture.md has the steps and their modules).

Plain Python and polars. Not here: Dagster (``orchestration``), dbt or the DuckDB warehouse (``dbt_project``), the
demo and test spreadsheets (``samples``), publishing.
"""
