"""Vietnamese written without diacritics ("dang dinh biet nhung": forum text typed without an IME).

langdetect calls such text Vietnamese, but the segmenter, the stopword list and the codebook all expect the
accented forms, so a topic of it is a topic of the keyboard, not of the content (issue 13: one of 1,500 held-out
VNTC articles' topics). Accented Vietnamese puts a diacritic (a tone mark, or â ê ô ơ ư ă đ) on roughly half of
its syllables; unaccented text on almost none. The share of syllables with one separates the two.

The clean stage flags such articles in reports/cleaning.json (`unaccented_articles`) rather than rejecting them:
a researcher decides. Pure: text in, a number or a bool out.
"""
from __future__ import annotations

import re
import unicodedata

# letters a syllable can only have with a diacritic: the base letters with one, and đ
_PLAIN = set("abcdefghijklmnopqrstuvwxyz")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_SHARE = 0.15    # the 478 sample articles: 0.65-0.91 (median 0.84); unaccented forum text below 0.05
MIN_SYLLABLES = 30  # fewer: too short to judge, never flagged


def diacritic_share(text: str) -> tuple[float, int]:
    """(share of Latin-letter syllables that carry a Vietnamese diacritic, number of such syllables)."""
    kinds = [_kind(w) for w in _WORD.findall(unicodedata.normalize("NFC", text or ""))]
    latin, marked = kinds.count(_UNMARKED) + kinds.count(_MARKED), kinds.count(_MARKED)
    if not latin:
        return 0.0, 0
    return marked / latin, latin


def _is_vietnamese_letter(c: str) -> bool:
    if c == "đ":
        return True
    base = unicodedata.normalize("NFD", c)[0]
    return base in _PLAIN and c != base


_OTHER, _UNMARKED, _MARKED = 0, 1, 2
_KINDS: dict[str, int] = {}  # word -> kind: a corpus repeats its words, and the clean stage reads 20,000 articles


def _kind(word: str) -> int:
    """A word's kind: not all Latin letters (_OTHER), Latin without a Vietnamese diacritic, or with one."""
    kind = _KINDS.get(word)
    if kind is None:
        w = word.lower()
        if not all(c in _PLAIN or _is_vietnamese_letter(c) for c in w):
            kind = _OTHER
        else:
            kind = _MARKED if any(c not in _PLAIN for c in w) else _UNMARKED
        if len(_KINDS) > 500_000:  # bounded: a stream of rare words never grows it without end
            _KINDS.clear()
        _KINDS[word] = kind
    return kind


def unaccented(text: str, min_share: float = MIN_SHARE, min_syllables: int = MIN_SYLLABLES) -> bool:
    """True for Vietnamese typed without diacritics (enough syllables, too few of them marked)."""
    share, n = diacritic_share(text)
    return n >= min_syllables and share < min_share
