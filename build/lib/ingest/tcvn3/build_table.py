"""Rebuild ``tcvn3.csv``: for every byte, the character Excel shows and the Unicode text TCVN 5712 means.

In: nothing (runs glibc's ``iconv``, which must know TCVN5712-1). Out: ``tcvn3.csv`` beside this script, 256 rows
``byte,shown_as,unicode`` with every character written as ``U+XXXX`` (the table holds NUL, line breaks, the soft
hyphen and lone combining marks, which a CSV cannot show legibly).

Run: ``python ingest/tcvn3/build_table.py``. The result is committed; ingest never runs iconv.
"""

from __future__ import annotations

import csv
import subprocess
import unicodedata
from pathlib import Path

TABLE = Path(__file__).with_name("tcvn3.csv")


def shown_as(byte: int) -> str:
    """What Excel shows for ``byte`` in a legacy-font cell: its Windows-1252 character.

    cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; Windows passes them through as the same code point.
    """
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def tcvn5712(byte: int) -> str:
    """glibc's reading of one TCVN 5712 byte, NFC.

    One iconv call per byte: glibc's converter composes a letter with a following combining byte (0xB0–0xB4), so
    bytes converted together would not map one to one.
    """
    result = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]), capture_output=True,
                            check=True)
    return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))


def code_points(text: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in text)


def main() -> None:
    with TABLE.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["byte", "shown_as", "unicode"])
        for byte in range(256):
            writer.writerow([f"0x{byte:02X}", code_points(shown_as(byte)), code_points(tcvn5712(byte))])


if __name__ == "__main__":
    main()
