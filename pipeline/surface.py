"""Words as a reader writes them: a segmented, lower-cased word (việt_nam, intel) in its most frequent spelling in
the corpus (Việt Nam, Intel). Figures and report both print words; this is the one place that decides how."""
from __future__ import annotations

import re
from collections import Counter


def words(text: str, case: dict[str, str] | None = None) -> str:
    """A segmented word as a reader writes it: underscores to spaces, in its usual case when known."""
    plain = str(text).replace("_", " ")
    return (case or {}).get(plain.lower(), plain)


_WORD_CHARS = r"[^\W_]"


def surface_forms(texts, wanted) -> dict[str, str]:
    """{word (lower case, spaces) -> its most frequent spelling in texts} for the wanted words (segmented or
    not), so that "việt_nam" prints as "Việt Nam" and "intel" as "Intel". Ties go to the lower-case form; a word
    the texts never contain keeps its given form."""
    keys = sorted({str(w).replace("_", " ").lower() for w in wanted if str(w).strip()}, key=len, reverse=True)
    if not keys:
        return {}
    pattern = re.compile(rf"(?<!{_WORD_CHARS})(?:{'|'.join(re.escape(k) for k in keys)})(?!{_WORD_CHARS})",
                         re.IGNORECASE)
    seen: dict[str, Counter] = {}
    for text in texts:
        for m in pattern.finditer(str(text)):
            form = m.group(0)
            seen.setdefault(form.lower(), Counter())[form] += 1
    out = {}
    for key, forms in seen.items():
        best = max(forms.items(), key=lambda kv: (kv[1], kv[0] == key))
        out[key] = best[0]
    return out
