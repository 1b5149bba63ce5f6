"""Plain-Python publishing: no Dagster inside."""
