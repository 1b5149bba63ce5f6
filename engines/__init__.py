"""The database engines the working warehouse is built on: DuckDB in a file (the default) or a PostgreSQL server
(``CADRE_ENGINE=postgres``). Connecting, and moving Arrow tables in and out of an engine, live here; what is built
(dbt), checked (expectations) and published (publishing) does not.
"""
