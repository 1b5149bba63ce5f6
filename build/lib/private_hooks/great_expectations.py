"""Great Expectations' pandas batch fingerprint, turned off.

GX fingerprints every pandas batch under its ``HASH_THRESHOLD`` by hashing all of it, twice a validation; the
fingerprint only labels the batch, which nothing in the warehouse reads. The threshold is a module global of GX.
"""

from great_expectations.execution_engine import pandas_execution_engine


def skip_batch_fingerprints() -> None:
    pandas_execution_engine.HASH_THRESHOLD = 0
