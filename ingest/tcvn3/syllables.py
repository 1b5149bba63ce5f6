"""Whether a word spells a Vietnamese syllable: the test every word decoded from TCVN3 must pass.

Onset, vowel group, final consonant, at most one tone mark. This keeps foreign names (Müller, Muñoz) and symbols next
to letters (5µm, ®) from being "decoded", and tells a converter's capital from punctuation ("žy" is "Ủy", "Nam…" is
not "NamẶ"). Not here: which bytes TCVN3 has (``ingest.tcvn3``).
"""

from __future__ import annotations

import re
import unicodedata

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# Onsets are any consonant cluster, for minority names like Mnông, Hrê, Xtiêng; consonants alone are abbreviations
# (Đ/c, HĐND).
_CONSONANTS = "bcdđfghjklmnpqrstvwxz"
_VOWEL_GROUPS = ("iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu ai ao au ay âu ây eo êu ia iê iu oa oă oe oi "
                 "oo ôi ơi ua uă uâ uê ui uô uơ uy ưa ưi ươ ưu yê a ă â e ê i o ô ơ u ư y").split()
_SYLLABLE = re.compile(f"(?:gi|qu|[{_CONSONANTS}]*)(?:{'|'.join(_VOWEL_GROUPS)})(?:ch|ng|nh|[ckmnpt])?"
                       f"|[{_CONSONANTS}]+")
_DROP_TONES = str.maketrans("", "", TONE_MARKS)


def has_tone(letter: str) -> bool:
    """Whether ``letter`` (NFC or NFD) carries one of the five tone marks."""
    return any(mark in TONE_MARKS for mark in unicodedata.normalize("NFD", letter))


def spells_a_syllable(word: str) -> bool:
    """Whether ``word`` (Unicode, any case, no space) is one Vietnamese syllable, or consonants alone."""
    bare = unicodedata.normalize("NFD", word.lower())
    tones = sum(bare.count(mark) for mark in TONE_MARKS)
    return tones <= 1 and _SYLLABLE.fullmatch(unicodedata.normalize("NFC", bare.translate(_DROP_TONES))) is not None
