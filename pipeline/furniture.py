"""Page furniture of sites no rule was written for, found from the corpus itself.

A line, a sentence, or a fragment glued to the start of an article's first body line or the end of its last line,
repeated in at least `min_share` of one source's articles (and in at least `min_articles` of them), is the site's
furniture ("Lưu bài viết thành công ...", "Nguồn: [Link nguồn]", an advertisement) and is removed, unless a rule
keeps it: the keep-list (names of programmes, slogans a study needs), and quotations: a sentence of at least
`keep_min_words` words with quotation marks or a speech verb is someone speaking, however often it recurs.

Cost: two passes over the lines, each counting a bounded number of keys a line (lines, sentences, and at most
`max_fragment_words` prefixes of one line and suffixes of another an article), so linear in the corpus.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field

DEFAULTS = {
    "enabled": True,
    "min_share": 0.05,         # of one source's (distinct) articles
    "min_articles": 5,         # and at least this many of them
    "min_sentence_words": 3,   # shorter sentences ("TP.", "Ông A.") are not candidates; whole lines of any length are
    "fragment_min_words": 5,   # a glued lead/tail fragment: at least this many words
    "fragment_min_chars": 25,  # and characters
    "max_fragment_words": 40,
    "keep": [],                # regular expressions (case-insensitive): what matches is never removed
    "keep_min_words": 8,       # a sentence this long with quotation marks or a speech verb is never removed
    "examples": 10,            # examples per source in reports/cleaning.json
}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_QUOTES = re.compile("[\"“”«»„]")
_BOUNDARY = re.compile(r"[.:!?|»\])…]$")


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def sentences(line: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(line) if s]


@dataclass
class Furniture:
    """What was found (keys per source) and what removing it did, for reports/cleaning.json."""
    config: dict
    found: dict = field(default_factory=dict)       # source -> {(kind, key): support}
    kept_by_rule: Counter = field(default_factory=Counter)  # (source, kind, text) of frequent units a rule kept
    removed: Counter = field(default_factory=Counter)  # (source, kind, text) -> times removed
    articles_affected: int = 0
    chars_removed: int = 0

    def merge(self, other: Furniture) -> None:
        """Add the removals counted by another Furniture (a worker's share of the articles)."""
        self.kept_by_rule.update(other.kept_by_rule)
        self.removed.update(other.removed)
        self.articles_affected += other.articles_affected
        self.chars_removed += other.chars_removed

    def audit(self) -> dict:
        n_examples = int(self.config["examples"])
        by_source: dict[str, dict] = {}
        for (source, kind, text), n in sorted(self.removed.items(), key=lambda kv: (-kv[1], kv[0])):
            s = by_source.setdefault(source, {"units_removed": 0, "examples": []})
            s["units_removed"] += n
            if len(s["examples"]) < n_examples:
                s["examples"].append({"kind": kind, "text": text, "removed": n})
        kept = [{"source": s, "kind": k, "text": t, "articles": n}
                for (s, k, t), n in sorted(self.kept_by_rule.items(), key=lambda kv: (-kv[1], kv[0]))[:n_examples]]
        by_kind = Counter()
        for (_, kind, _), n in self.removed.items():
            by_kind[kind] += n
        return {"params": {k: self.config[k] for k in sorted(DEFAULTS)},
                "units_removed": int(sum(self.removed.values())), "by_kind": dict(sorted(by_kind.items())),
                "articles_affected": self.articles_affected, "chars_removed": self.chars_removed,
                "by_source": by_source, "kept_by_rule": kept}


class Detector:
    def __init__(self, config: dict | None = None, speech_verbs: list[str] | tuple = ()):
        cfg = {**DEFAULTS, **(config or {})}
        unknown = sorted(set(cfg) - set(DEFAULTS))
        if unknown:  # a misspelt threshold would silently fall back to its default
            raise ValueError(f"clean.repeated_boilerplate: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(DEFAULTS))}")
        self.cfg = cfg
        self.keep = [re.compile(p, re.I) for p in cfg["keep"] or []]
        verbs = sorted({v.strip().lower() for v in speech_verbs if v and v.strip()}, key=len, reverse=True)
        self.speech = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, verbs)) + r")(?!\w)", re.I) if verbs else None

    # --- rules ------------------------------------------------------------------------------------------------
    def kept(self, text: str) -> bool:
        """A keep-list match, or a long sentence that quotes or reports speech: never furniture."""
        if any(p.search(text) for p in self.keep):
            return True
        if len(text.split()) >= self.cfg["keep_min_words"]:
            return bool(_QUOTES.search(text) or (self.speech and self.speech.search(text)))
        return False

    def _units(self, lines: list[str], first: int) -> set[tuple[str, str]]:
        out = set()
        for line in lines[first:]:
            out.add(("line", _key(line)))
            parts = sentences(line)
            if len(parts) > 1:
                out.update(("sentence", _key(s)) for s in parts if len(s.split()) >= self.cfg["min_sentence_words"])
        return out

    def _fragments(self, line: str, kind: str) -> list[tuple[str, str, str]]:
        """(kind, key, text) of the line's word prefixes (lead) or suffixes (tail) that could be glued furniture."""
        words = line.split()
        out = []
        for k in range(self.cfg["fragment_min_words"], min(len(words) - 1, self.cfg["max_fragment_words"]) + 1):
            part = words[:k] if kind == "lead" else words[-k:]
            text = " ".join(part)
            if len(text) >= self.cfg["fragment_min_chars"]:
                out.append((kind, _key(text), text))
        return out

    # --- the two passes ---------------------------------------------------------------------------------------
    def article_keys(self, lines: list[str], first: int) -> tuple:
        """What find() counts of one article, computed apart from the others (so in a worker process): its
        identity, its units, the keys of its lines, and the lead fragments of its first line and tail fragments
        of its last one (those pass 2 counts unless that line turns out to be furniture itself)."""
        body = lines[first:]
        line_keys = [_key(line) for line in body]
        return (hashlib.sha1("\n".join(lines).encode("utf-8")).digest(), self._units(lines, first), line_keys,
                self._fragment_keys(body[0], "lead") if body else set(),
                self._fragment_keys(body[-1], "tail") if body else set())

    def _fragment_keys(self, line: str, kind: str) -> set[tuple[str, str]]:
        return {(k, key) for k, key, _ in self._fragments(line, kind)}

    def find(self, docs: list[tuple[str | None, list[str], int]], keys: list[tuple] | None = None) -> Furniture:
        """docs: (source, lines, first) with `first` the index of the first line that may be furniture (1 when
        line 0 is the article's given title); keys: each doc's article_keys, when already computed. Exact
        copies of an article count once."""
        cfg = self.cfg
        result = Furniture(cfg)
        if not cfg["enabled"]:
            return result
        groups: dict[str | None, list[tuple[list[str], int, tuple]]] = {}
        fingerprints: set[tuple] = set()
        for i, (source, lines, first) in enumerate(docs):
            k = keys[i] if keys is not None else self.article_keys(lines, first)
            fp = (source, k[0])
            if fp not in fingerprints:
                fingerprints.add(fp)
                groups.setdefault(source, []).append((lines, first, k))
        for source, group in groups.items():
            need = max(int(cfg["min_articles"]), math.ceil(cfg["min_share"] * len(group)))
            if len(group) < need:
                continue
            counts = Counter()
            for _, _, k in group:
                counts.update(k[1])
            found = {u: n for u, n in counts.items() if n >= need}
            frag_counts = Counter()
            for lines, first, (_, _, line_keys, lead, tail) in group:
                # pass 2: fragments of what is left once whole furniture lines are gone
                rest = [i for i, key in enumerate(line_keys) if ("line", key) not in found]
                if rest:
                    frag_counts.update(lead if rest[0] == 0 else self._fragment_keys(lines[first + rest[0]], "lead"))
                    frag_counts.update(tail if rest[-1] == len(line_keys) - 1
                                       else self._fragment_keys(lines[first + rest[-1]], "tail"))
            found.update({u: n for u, n in frag_counts.items() if n >= need})
            result.found[source] = found
        return result

    def remove(self, lines: list[str], source: str | None, first: int, furniture: Furniture) -> list[str]:
        """The article's lines without its source's furniture; each removal is counted in `furniture`."""
        found = furniture.found.get(source)
        if not found:
            return lines
        out = lines[:first]
        removed_chars = 0

        def drop(kind: str, text: str) -> bool:
            if self.kept(text):
                furniture.kept_by_rule[(source or "", kind, text)] += 1
                return False
            furniture.removed[(source or "", kind, text)] += 1
            return True

        for line in lines[first:]:
            if ("line", _key(line)) in found and drop("line", line):
                removed_chars += len(line)
                continue
            parts = sentences(line)
            if len(parts) > 1:
                kept_parts = [s for s in parts if not (("sentence", _key(s)) in found and drop("sentence", s))]
                removed_chars += len(line) - len(" ".join(kept_parts))
                line = " ".join(kept_parts)
            if line:
                out.append(line)
        body = len(out) - first
        if body > 0:
            out[first], n = self._cut(out[first], "lead", found, drop)
            removed_chars += n
            if out[-1] and len(out) - 1 >= first:
                out[-1], n = self._cut(out[-1], "tail", found, drop)
                removed_chars += n
        out = [line for line in out if line]
        if removed_chars:
            furniture.articles_affected += 1
            furniture.chars_removed += removed_chars
        return out

    def _cut(self, line: str, kind: str, found: dict, drop) -> tuple[str, int]:
        """The line without its longest furniture prefix (lead) or suffix (tail), if that ends at a boundary."""
        words = line.split()
        for _, key, text in reversed(self._fragments(line, kind)):
            if (kind, key) not in found:
                continue
            n = len(text.split())
            # the fragment must end (lead) or start (tail) where a sentence does: after closing punctuation, or an
            # upper-case word after a lower-case one ("... Tin bài đã lưu | Hà Nội sáng 5/7"), never inside a name
            # ("Theo ông Nguyễn Văn | Hùng") or at a comma ("Theo ông Nguyễn Văn Hùng, | Giám đốc ...")
            if kind == "lead":
                last, nxt = words[n - 1], words[n]
            else:
                last, nxt = words[-n - 1], words[-n]
            boundary = bool(_BOUNDARY.search(last)) or (
                nxt[:1].isupper() and not last[:1].isupper() and not last.endswith(","))
            if not boundary:
                continue  # a shorter frequent fragment may still end at a boundary
            if not drop(kind, text):
                return line, 0
            rest = words[n:] if kind == "lead" else words[:-n]
            return " ".join(rest), len(line) - len(" ".join(rest))
        return line, 0
        return line, 0
