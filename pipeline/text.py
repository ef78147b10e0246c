"""Vietnamese text helpers shared by the stages: normalisation, paragraphs, series and part numbers."""
from __future__ import annotations

import html
import importlib.util
import re
import unicodedata
from pathlib import Path

_WORD = re.compile(r"\w+")
_SPLIT_WORD = re.compile(r"(\w+)")
# a zero-width space between two words is the only thing that separates them ("Hà\u200bNội" -> "Hà Nội")
_ZWSP_BETWEEN_WORDS = re.compile(r"(?<=\w)\u200b+(?=\w)")
# joiners, soft hyphens, BOMs and bidi controls (marks, embeddings, overrides, isolates) carry no text in
# Vietnamese: removed (ZWJ/ZWNJ inside emoji sequences lose nothing a word count or topic model sees)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# a run of spaces that is not already one plain space (matching every single space costs a call each)
_SPACE_CLASS = "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
_SPACES = re.compile(f" {_SPACE_CLASS}+|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]{_SPACE_CLASS}*")
# copy-paste and OCR leave "Hà Nội , ngày" and "( NIC )"; dashes and quotes are left as written
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?…)\]”])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[“]) +")


def normalize(text: str, tone_marks: str = "new") -> str:
    """NFC, one tone-mark placement (hoà -> hòa), tidy whitespace and spaces around punctuation; line breaks kept.

    underthesea's text_normalize re-tokenises (it puts spaces around punctuation and joins lines), which
    would change quotable text, so its per-token normaliser is applied to word tokens only.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u200b" in text:  # the look-behind scan costs more than the rest of normalize
        text = _ZWSP_BETWEEN_WORDS.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", _SPACE_BEFORE_PUNCT.sub(r"\1", text))
    if tone_marks == "new":
        text = _normalise_words(text)
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def _underthesea_rules() -> tuple[dict, dict] | None:
    """(character_map, token_map) of underthesea's text normaliser, read from its rule file without importing
    the underthesea package: its __init__ loads torch and transformers (15 s), for a 5-line function. None when
    the installed version does not name its rule file as expected (then the package itself is imported)."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "pipeline" / "text_normalize"
    try:
        source = (folder / "text_normalizer.py").read_text(encoding="utf-8")
        names = re.findall(r'^rule_file = "([^"]+)"$', source, re.M)
        import joblib

        data = joblib.load(folder / names[-1])
        return data["character"], data["token"]
    except (OSError, IndexError, KeyError):
        return None


class _Normaliser:
    """underthesea's token_normalize on every word of a text, memoised: it is a pure function of the word,
    a corpus has far fewer distinct words than words, and nearly all are left as they are. The rules are read on
    first use, so a process that never normalises never loads them."""

    def __init__(self):
        self.func = None
        self.changed: dict[str, str] = {}  # word -> its normalised form, for words the normaliser changes
        self.unchanged: set[str] = set()

    def load(self) -> None:
        if self.func is None:
            rules = _underthesea_rules()
            if rules is None:
                from underthesea.pipeline.text_normalize import token_normalize

                self.func = token_normalize
            else:
                self.func = _rule_normaliser(*rules)

    def __call__(self, text: str) -> str:
        words = set(_WORD.findall(text))
        new = words - self.unchanged
        if not new:
            return text
        self.load()
        for word in new - self.changed.keys():
            value = self.func(word)
            if value == word:
                self.unchanged.add(word)
            else:
                self.changed[word] = value
        if not (new & self.changed.keys()):
            return text
        parts = _SPLIT_WORD.split(text)  # text, word, text, word, ..., text
        parts[1::2] = map(self.changed.get, parts[1::2], parts[1::2])
        return "".join(parts)


def _rule_normaliser(character_map: dict, token_map: dict):
    """underthesea.pipeline.text_normalize.token_normalize on the same rules (tests/test_text.py compares)."""
    def normalise(token: str) -> str:
        if len(token) > 6:
            return token
        token = unicodedata.normalize("NFC", token)
        for old, new in character_map.items():
            token = token.replace(old, new)
        return token_map.get(token, token)
    return normalise


_normalise_words = _Normaliser()


# HTML left in JSON/CSV exports: tags of HTML's own vocabulary only, so that "<5%" or "<Nghị định>" stay text
_BLOCK_TAGS = ("p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|figure|figcaption|header|footer|hr|dd|dt|"
               "pre|main|aside|nav|tbody|thead")
_INLINE_TAGS = ("a|span|b|i|u|em|strong|small|sup|sub|font|img|td|th|abbr|cite|code|mark|q|s|strike|time|label|"
                "picture|source|video|audio|iframe|input|button|center|big|wbr|ins|del")
_HIDDEN = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_BLOCK = re.compile(rf"</?(?:{_BLOCK_TAGS})(?:\s[^<>]*)?/?>", re.I)
_INLINE = re.compile(rf"</?(?:{_INLINE_TAGS})(?:\s[^<>]*)?/?>", re.I)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def strip_markup(text: str) -> str:
    """HTML tags removed (block tags become line breaks) and entities unescaped (&amp; -> &, &nbsp; -> a space).

    Tags go first: an escaped tag ("&lt;p&gt;") is text the page showed, so it stays as "<p>"."""
    if "<" in text:
        text = _INLINE.sub("", _BLOCK.sub("\n", _HIDDEN.sub("", text)))
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return text


def paragraphs(text: str) -> list[str]:
    """Non-empty lines: news text keeps one paragraph a line."""
    return [p.strip() for p in text.split("\n") if p.strip()]


def merge_short(paras: list[str], min_chars: int) -> list[str]:
    """Join paragraphs shorter than min_chars to the next one (sub-headings, one-line captions)."""
    merged: list[str] = []
    carry = ""
    for p in paras:
        carry = f"{carry}\n{p}" if carry else p
        if len(carry) >= min_chars:
            merged.append(carry)
            carry = ""
    if carry:
        if merged:
            merged[-1] = f"{merged[-1]}\n{carry}"
        else:
            merged.append(carry)
    return merged


_PART_WORDS = r"(?:Kỳ|Kì|Bài|Phần|Tập)"
# Arabic or upper-case Roman part numbers ("Kỳ 2", "Phần II"); Roman case-sensitive so "Bài viết" is no part
_NUMBER = r"(?P<part>\d{1,3}|(?-i:[IVX]{1,5}))"
_SEP = r"[:\-–—.]"
# "Series: Kỳ 2- Subtitle", "Series - Bài 3: Subtitle", "Series - Kỳ 2"
_SERIES_IN_TITLE = re.compile(rf"^(?P<series>.+?)\s*[:\-–—]\s*{_PART_WORDS}\s+{_NUMBER}\s*(?:{_SEP}\s*(?P<rest>.*))?$", re.I)
# "Series (Kỳ 2)", "Series (Bài 3): Subtitle"
_SERIES_BRACKETED = re.compile(rf"^(?P<series>.+?)\s*[(\[]\s*{_PART_WORDS}\s+{_NUMBER}\s*[)\]]\s*(?:{_SEP}\s*(?P<rest>.*))?$", re.I)
# "Kỳ 2: Subtitle" (series name unknown from the title alone)
_PART_FIRST = re.compile(rf"^{_PART_WORDS}\s+{_NUMBER}\s*{_SEP}\s*(?P<rest>.+)$", re.I)
# "(Kỳ 3: Để Hòa Lạc thực sự là trái tim)": the next part announced at the end of an article
NEXT_PART_LINE = re.compile(rf"^\(\s*{_PART_WORDS}\s+{_NUMBER}\s*{_SEP}\s*(?P<title>[^)]*)\)\s*$", re.I)
_ROMAN = {"I": 1, "V": 5, "X": 10}


def part_number(token: str) -> int:
    """'3' -> 3, 'IV' -> 4."""
    if token.isdigit():
        return int(token)
    values = [_ROMAN[c] for c in token.upper()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def detect_series(title: str | None, body_lines: list[str] | None = None) -> tuple[str | None, int | None]:
    """(series name, part number) from a title such as "Series: Kỳ 2- Subtitle"; (None, None) if none.

    When the title has no part but a body line announces the next one, "(Kỳ 3: ...)", this is part 2. Pass
    the body before boilerplate removal: the announcement is itself removed as boilerplate.
    """
    if title:
        title = title.strip()
        for pattern in (_SERIES_IN_TITLE, _SERIES_BRACKETED):
            m = pattern.match(title)
            if m:
                return m.group("series").strip(" :-–—") or None, part_number(m.group("part"))
        m = _PART_FIRST.match(title)
        if m:
            return None, part_number(m.group("part"))
    for line in body_lines or []:
        m = NEXT_PART_LINE.match(line.strip())
        if m and part_number(m.group("part")) > 1:
            return None, part_number(m.group("part")) - 1
    return None, None


def stopword_list(source: str = "stopwordsiso", extra: list[str] | None = None) -> list[str]:
    """Vietnamese stopwords in segmented form (spaces -> underscores), lowercased, sorted.

    stopwordsiso's 645 entries by default: underthesea's 52-word list leaves cho, với, người in topic words.
    """
    words: set[str] = set()
    if source == "stopwordsiso":
        import stopwordsiso

        words |= set(stopwordsiso.stopwords("vi"))
    elif source == "underthesea":
        from underthesea.datasets.stopwords import words as underthesea_words

        words |= set(underthesea_words)
    words |= set(extra or [])
    return sorted({unicodedata.normalize("NFC", w).strip().lower().replace(" ", "_") for w in words if w.strip()})
