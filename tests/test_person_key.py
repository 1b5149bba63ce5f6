"""The person key is the documented HMAC-SHA256 (docs/lake-contract.md), whatever way ingest computes it."""

import hashlib
import hmac

import polars as pl
import pytest

from ingest.roster import person_keys

IDENTITIES = ["nguyễn văn hùng|1980-05-01|M", "hoàng thị yến|1975|F", "", None]


@pytest.mark.parametrize("secret", ["cadre-warehouse-development-secret", "", "k" * 64, "khóa bí mật " * 20])
def test_person_keys_are_hmac_sha256_of_the_identity(secret):
    expected = [None if i is None else hmac.new(secret.encode(), i.encode(), hashlib.sha256).hexdigest()[:32]
                for i in IDENTITIES]
    assert person_keys(pl.Series(IDENTITIES, dtype=pl.String), secret).to_list() == expected
