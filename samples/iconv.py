"""TCVN3 as converters write it: Unicode text run through glibc's ``iconv -t TCVN5712-1``, shown as Excel shows it.

Converters write the whole TCVN 5712 table (VN1), capitals with tone marks included, where ABC fonts use only its
VN3 part (``ingest/tcvn3/README.md``). For fixtures only: the ``tcvn3_iconv`` layout of ``samples.forms`` and the
tests of ``ingest.tcvn3``; ingest never runs iconv.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import cache

from ingest.tcvn3 import shown_in_excel

CHARSET = "TCVN5712-1"


@cache
def iconv_knows_tcvn5712() -> bool:
    """Whether this machine has an iconv that converts TCVN5712-1 (glibc's does; tests that need it skip without)."""
    if shutil.which("iconv") is None:
        return False
    return CHARSET in subprocess.run(["iconv", "-l"], capture_output=True, text=True).stdout


@cache
def converted_by_iconv(text: str) -> str:
    """``text`` (NFC or NFD) converted by ``iconv -t TCVN5712-1``, as Excel shows the bytes in a legacy-font cell.

    Raises ValueError for text TCVN 5712 cannot hold (– “ …: iconv has no byte for them).
    """
    nfc = unicodedata.normalize("NFC", text).encode()
    written = subprocess.run(["iconv", "-f", "UTF-8", "-t", CHARSET], input=nfc, capture_output=True)
    if written.returncode:
        raise ValueError(f"iconv -t {CHARSET} cannot write {text!r}: {written.stderr.decode(errors='replace').strip()}")
    return shown_in_excel(written.stdout)
