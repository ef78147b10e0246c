"""Discourse stage: tools a researcher reads beside the topic model, all in reports/discourse/.

- kwic.csv: keyword-in-context lines of discourse.terms (whole words, case-insensitive, on the cleaned text);
- collocations.csv: words within discourse.collocation_window segmented words of each term, ranked by
  log-likelihood G² (Dunning 1993), with PMI; only words attracted to the term (observed > expected);
- quotes.csv: who is quoted or cited: direct speech (“...”, bà An nhấn mạnh; ông X cho biết: “...”), reported
  speech (X cho biết/nhấn mạnh/cho rằng, ...), and "Theo X, ...". Speakers are named from the words before or
  after the cue: Vietnamese full names (a surname and up to three capitalised syllables), honorific short
  names resolved to the full name met earlier in the article (bà An -> Bùi Thị An), pronouns resolved to the
  last speaker (Theo ông, ... -> the man quoted just before), and underthesea's offline NER tagger
  (underthesea.ner) for persons and organisations the patterns miss. NER runs only on the few words of a
  speaker span, which keeps the stage fast;
- actors.csv / actors_by_group.csv: named speakers counted per theme and per group of each compare.by field;
- passages.csv: representative paragraphs of each topic (c-TF-IDF words) and theme (codebook keywords), with
  title, date and source, cut at a sentence end, ready to quote.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import regex

from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.text import paragraphs

KWIC_COLUMNS = ["term", "unit_id", "article_id", "title", "date", "source", "topic", "theme", "left", "keyword", "right"]
COLLOCATION_COLUMNS = ["term", "collocate", "count", "term_count", "collocate_count", "expected", "pmi",
                       "log_likelihood", "rank"]
QUOTE_COLUMNS = ["article_id", "unit_id", "title", "date", "source", "series", "topic", "theme", "speaker",
                 "speaker_type", "role", "cue", "kind", "resolution", "quote", "sentence"]
PASSAGE_COLUMNS = ["kind", "key", "label", "rank", "unit_id", "article_id", "title", "date", "source", "score",
                   "matched", "text", "citation"]

# The commonest Vietnamese surnames (together well over 95% of the population); a name is one of these and one
# to three more capitalised syllables.
SURNAMES = ("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Trương Lâm Mai Trịnh "
            "Đoàn Lương Cao Hà Tô Tạ Chu Thái Lưu Kiều Tăng La Quách Triệu Vương Phùng Doãn Khuất Nghiêm Lại Âu "
            "Hứa Đàm Từ Tống Giang Châu Mạc Thân Phí Quan Lò Hầu Nông Bạch Đồng Lã Lục Diệp Kim Tôn Văn Khổng "
            "Ninh Trình Thạch Viên Lữ Mẫn Cù Khúc Đường Lạc Yên Hàn Ngọc Trang").split()
# Capitalised runs that begin with a surname but name a place (or a person used as a place name).
PLACES = {"Hà Nội", "Hà Giang", "Hà Tĩnh", "Hà Nam", "Hà Đông", "Cao Bằng", "Thái Bình", "Thái Nguyên", "Lâm Đồng",
          "Đồng Nai", "Đồng Tháp", "Đồng Hới", "Châu Đốc", "Lý Sơn", "Mai Châu", "Hồ Tây", "Hồ Gươm", "Hoàng Mai",
          "Lương Sơn", "Kim Bôi", "Đông Anh", "Thạch Thất", "Hoàng Kiếm", "Kim Mã", "Cao Lãnh", "Tây Hồ", "Hà Tây",
          "Đồng Xoài", "Đồng Văn", "Văn Miếu", "Giang Võ", "Hàn Quốc", "Mỹ Đình", "Hòa Lạc", "Lạc Long Quân",
          "Trang Hạ", "Ngọc Hồi", "Đào Tấn", "Trần Duy Hưng", "Thái Lan", "Ninh Bình", "Ninh Thuận", "Lào Cai",
          "Lai Châu", "Trà Vinh", "Sơn La", "Kim Ngưu", "Ông Ích Khiêm"}
PLACE_CUES = r"(?:TP\.?|Tp\.?|[Tt]hành phố|[Tt]ỉnh|[Qq]uận|[Hh]uyện|[Pp]hường|[Xx]ã|[Đđ]ường|[Pp]hố|[Ss]ông|[Hh]ồ|[Cc]ầu|" \
             r"[Kk]hu|[Ll]àng|[Tt]hị xã|[Tt]hị trấn|[Vv]ùng|[Cc]hợ|[Bb]ến|[Cc]ảng|[Đđ]ảo|[Nn]úi|[Cc]ông viên|[Tt]ại)"
# "UBND thành phố Lê Hồng Sơn" is an office and its holder, not a place named after a person
ORG_BEFORE_PLACE = regex.compile(rf"(?:UBND|HĐND|[Ủủ]y ban nhân dân|[Hh]ội đồng nhân dân|Thành ủy|Tỉnh ủy|Công an)"
                                 rf"\s+{PLACE_CUES}\s+$")
OTHER_REJECT = regex.compile(r"^(?:có thể|cần|cần phải|phải|xin|điều này|đây|đó|có|chúng ta|chúng tôi|tôi|mình|"
                             r"thực tế|như vậy|qua đó|từ đó|nhìn chung|nói chung|tóm lại)$", regex.I)
STARTS_CLAUSE = regex.compile(r"^(?:tuy|dù|mặc dù|nếu|khi|để|vì|do|nhưng|và|song|mà|rồi|sau khi|trước khi)(?!\p{L})",
                              regex.I)
# "đáng lưu ý", "được yêu cầu", "cần nhấn mạnh", "vì cho rằng", "Theo nhận định của": the cue is no speech act
NOT_SPEECH_BEFORE = regex.compile(r"(?<!\p{L})(?:đáng|được|bị|cần|phải|có thể|không|chưa|để|mà|vì|nếu|sẽ|theo|"
                                  r"muốn|hãy|xin)$", regex.I)
HONORIFIC = r"(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị)"
FEMALE, MALE = "f", "m"
ORG_HEADS = ("Bộ Sở UBND HĐND Ủy ban Uỷ ban Ban Viện Trường Đại học Công ty Tập đoàn Tổng cục Cục Hiệp hội Hội Ngân hàng "
             "Quỹ Trung tâm Tổ chức Hội đồng Văn phòng Thành ủy Tỉnh ủy Quốc hội Chính phủ Bộ Chính trị Liên minh "
             "Tổng công ty Chi cục Phòng Sàn Báo Đài Cổng Học viện Bệnh viện Công an Tòa án Viện kiểm sát").split()
CONNECTIVES = regex.compile(
    r"^(?:(?:Còn|Cũng|Nhưng|Song|Tuy nhiên|Trong khi đó|Ngoài ra|Bên cạnh đó|Đồng thời|Theo đó|Thêm vào đó|Mặt khác|"
    r"Về (?:vấn đề|việc|phía|nội dung) này|Về phần mình|Chia sẻ thêm|Trao đổi với (?:PV|phóng viên)[^,]*|Tại [^,]{1,60}"
    r"|Trước đó|Sau đó|Cùng quan điểm|Đánh giá về [^,]{1,60}|Nói về [^,]{1,60})\s*,?\s*)+")
TRAILING_AUX = regex.compile(r"(?:(?:^|\s+)(?:đã|cũng|vừa|lại|từng|còn|thì|vẫn|đều|mới|đang|sẽ|cũng đã|khi))+\s*$")
PRONOUN = regex.compile(rf"^(?:{HONORIFIC}|vị|người)(?:\s+(?:ta|này|ấy|cho hay))?$", regex.I)
SYLLABLE = r"\p{Lu}\p{Ll}+"
CAP_RUN = regex.compile(rf"(?<![\p{{L}}\d]){SYLLABLE}(?:\s+{SYLLABLE})*(?![\p{{L}}\d])")
AUX = r"(?:(?:đã|cũng|vừa|lại|từng|còn|thì|vẫn|đều|mới|đang|sẽ)\s+)*"


# ----------------------------------------------------------------------------------------------------- names

def person_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of Vietnamese full names in text: within each run of capitalised syllables, the
    first surname whose remainder is 2-4 syllables and not a place ("Hà Nội Bùi Thị Minh Hoài" -> Bùi Thị
    Minh Hoài); runs right after a place word (thành phố, tỉnh, đường...) are places."""
    out = []
    for m in CAP_RUN.finditer(text):
        words = m.group().split()
        spans, pos = [], m.start()
        for w in words:
            start = text.index(w, pos)
            spans.append((start, start + len(w)))
            pos = start + len(w)
        for i, w in enumerate(words):
            rest = words[i:]
            if w not in SURNAMES or not 2 <= len(rest) <= 4:
                continue
            name = " ".join(rest)
            if name in PLACES or any(" ".join(rest[:k]) in PLACES for k in (2, 3)):
                continue
            before = text[max(0, spans[i][0] - 40):spans[i][0]]
            if regex.search(rf"{PLACE_CUES}\s+$", before) and not ORG_BEFORE_PLACE.search(before):
                continue
            out.append((spans[i][0], spans[-1][1], name))
            break
    return out


def gender_of(name: str, honorific: str | None = None) -> str | None:
    if honorific:
        h = honorific.lower()
        if h in ("bà", "chị"):
            return FEMALE
        if h in ("ông", "anh"):
            return MALE
    parts = name.split()
    if "Thị" in parts[1:-1]:
        return FEMALE
    if "Văn" in parts[1:-1]:
        return MALE
    return None


_NER = None


def ner_entities(text: str) -> list[tuple[str, str]]:
    """(type, text) entities from underthesea's offline NER tagger (CRF; no download)."""
    global _NER
    if _NER is None:
        from underthesea import ner

        _NER = ner
    out: list[tuple[str, str]] = []
    for item in _NER(text):
        word, tag = item[0], item[-1]
        if tag.startswith("B-"):
            out.append((tag[2:], word))
        elif tag.startswith("I-") and out and out[-1][0] == tag[2:]:
            out[-1] = (out[-1][0], f"{out[-1][1]} {word}")
    return out


@dataclass
class Speaker:
    name: str
    kind: str  # person | org | other (a document, a law, unnamed experts)
    role: str = ""
    resolution: str = ""
    gender: str | None = None


@dataclass
class ArticleContext:
    """What an article has said so far: full names mentioned (for short names) and speakers (for pronouns)."""
    mentions: list[tuple[str, str | None]] = field(default_factory=list)  # (name, gender), in reading order
    speakers: list[Speaker] = field(default_factory=list)

    def mention(self, name: str, gender: str | None) -> None:
        known = next((g for n, g in self.mentions if n == name and g), None)
        self.mentions.append((name, gender or known))

    def by_short_name(self, short: str) -> tuple[str, str | None] | None:
        for name, gender in reversed(self.mentions):
            if name.split()[-1] == short:
                return name, gender
        return None

    def last_speaker(self, gender: str | None) -> Speaker | None:
        for sp in reversed(self.speakers):
            if sp.kind == "person" and (gender is None or sp.gender in (None, gender)):
                return sp
        for name, g in reversed(self.mentions):
            if gender is None or g in (None, gender):
                return Speaker(name, "person", gender=g)
        return None


def _last_clause(text: str) -> str:
    parts = [p for p in text.split(",") if p.strip(" -–—")]
    return parts[-1] if parts else ""


def _clean_role(text: str) -> str:
    text = CONNECTIVES.sub("", text.strip(" ,;:-–—"))
    text = TRAILING_AUX.sub("", text)
    text = regex.sub(rf"^{HONORIFIC}\b", "", text).strip(" ,;:-–—|")
    text = regex.sub(r"\s*[-–—]\s*$|^\s*[-–—]\s*", "", text).strip(" ,;:")
    return " ".join(text.split()[:20])


ROLE_BREAK = regex.compile(r"(?<!\p{L})(?:song|nhưng|thì|mà|khi|vì|nên|là|đã|cũng|với|cho|rằng|được|sẽ|đang|vừa|"
                           r"của\s+(?:ông|bà)|theo|tuy|dù|nếu|sau khi|trước khi)(?!\p{L})", regex.I)


def _role_before(text: str) -> str:
    """The title right before a name ("Phó Chủ tịch UBND thành phố" in "..., Phó Chủ tịch UBND thành phố Lê Văn
    A"): the last clause, after the last word that cannot belong to a title."""
    text = _last_clause(text.rsplit("”", 1)[-1])
    breaks = list(ROLE_BREAK.finditer(text))
    if breaks:
        text = text[breaks[-1].end():]
    role = _clean_role(text)
    return role if len(role.split()) <= 14 else ""


def _role_after(text: str) -> str:
    """An apposition after a name: ", Giám đốc Sở X," or " - Trường Đại học Y" or " (chủ tịch Hiệp hội Z)"."""
    m = (regex.match(r"^\s*[-–—]\s+(?P<role>.+?)(?:\s+[-–—]\s|,?\s*$)", text)
         or regex.match(r"^\s*\((?P<role>[^()]+)\)", text) or regex.match(r"^\s*,\s*(?P<role>[^,]+)", text))
    if not m:
        return ""
    role = _clean_role(m.group("role"))
    breaks = list(ROLE_BREAK.finditer(role))
    if breaks:
        role = role[:breaks[0].start()].strip(" ,")
    return role if len(role.split()) <= 20 else ""


def parse_speaker(span: str, ctx: ArticleContext, use_ner: bool = True) -> Speaker | None:
    """The speaker named in the words around a speech cue, or None when the span names nobody."""
    span = " ".join(span.replace("|", " ").split()).strip(" ,;:")
    if not span or len(span.split()) > 45 or NOT_SPEECH_BEFORE.search(span):
        return None
    core = TRAILING_AUX.sub("", CONNECTIVES.sub("", span)).strip(" ,;:-–—")
    names = person_names(span)
    if names:
        start, end, name = names[-1]  # the name nearest the cue
        honorific = regex.search(rf"({HONORIFIC})\s*$", span[:start])
        gender = gender_of(name, honorific.group(1) if honorific else None)
        ctx.mention(name, gender)
        role = "; ".join(r for r in (_role_before(span[:start]), _role_after(span[end:])) if r)
        known = ctx.by_short_name(name.split()[-1])
        return Speaker(name, "person", role, "name", gender or (known[1] if known else None))
    short = regex.search(rf"(?<!\p{{L}})({HONORIFIC})\s+({SYLLABLE})(?:\s+({SYLLABLE}))?\s*$", core)
    if short:
        # "bà An", "ông Sơn" (also "ông Nguyễn Sơn" with an unlisted surname): the full name met before
        honorific, first = short.group(1), short.group(2)
        last = short.group(3) or first
        found = ctx.by_short_name(last)
        role = _role_before(core[:short.start()])
        if found and (short.group(3) is None or found[0].endswith(f"{first} {last}")):
            return Speaker(found[0], "person", role, "short_name", gender_of(found[0], honorific) or found[1])
        if short.group(3):  # "ông Okuda Hiroshi", "ông Tim Gaucci": a name the surname list does not know
            name = f"{first} {short.group(3)}"
            ctx.mention(name, gender_of(name, honorific))
            return Speaker(name, "person", role, "honorific_name", gender_of(name, honorific))
        return Speaker(first, "person", role, "short_name_unresolved", gender_of(first, honorific))
    if PRONOUN.match(core):
        h = regex.match(HONORIFIC, core)
        gender = gender_of("", h.group()) if h else None
        sp = ctx.last_speaker(gender)
        if sp is not None:
            return Speaker(sp.name, "person", sp.role, "pronoun", sp.gender)
        return None
    if use_ner and regex.search(r"\p{Lu}", core):
        ents = ner_entities(core)
        persons = [t for k, t in ents if k == "PER" and len(t.split()) >= 2]
        if persons:
            name = persons[-1]
            ctx.mention(name, None)
            return Speaker(name, "person", _clean_role(core.replace(name, " ")), "ner")
        orgs = [t for k, t in ents if k == "ORG" and sum(w[:1].isupper() for w in t.split()) * 2 >= len(t.split())]
        if orgs:
            return Speaker(" ".join(orgs[-1].split()[:12]), "org", "", "ner")
    core = _last_clause(core).strip(" -–—")  # "Tuy nhiên, các chuyên gia" -> "các chuyên gia"
    if regex.fullmatch(r"\p{Lu}\p{Ll}+(?:\s+\p{Ll}+){1,3}", core):  # a title alone ("Thứ trưởng"): its holder
        holder = next((sp for sp in reversed(ctx.speakers) if sp.role.lower().startswith(core.lower())), None)
        if holder is not None:
            return Speaker(holder.name, "person", holder.role, "role", holder.gender)
    titled = regex.fullmatch(rf"(?P<title>\p{{Lu}}\p{{Ll}}+(?:\s+\p{{Ll}}+)+)\s+(?P<short>{SYLLABLE})", core)
    if titled and ctx.by_short_name(titled.group("short")):  # "Thứ trưởng Võ" after "Thứ trưởng Võ Kim Cự"
        name, gender = ctx.by_short_name(titled.group("short"))
        return Speaker(name, "person", titled.group("title"), "short_name", gender)
    org = regex.search(rf"(?<!\p{{L}})(?:{'|'.join(map(regex.escape, sorted(ORG_HEADS, key=len, reverse=True)))})"
                       rf"(?:\s+(?:\S+))*$", core)
    if org and regex.match(r"\p{Lu}", org.group()) and len(org.group().split()) <= 12:
        words = org.group().split()
        role = _clean_role(core[:org.start()])
        return Speaker(" ".join(words[:12]), "org", role if len(role.split()) <= 4 else "", "org")
    if (0 < len(core.split()) <= 6 and not OTHER_REJECT.match(core) and not STARTS_CLAUSE.match(core)
            and regex.match(r"\p{Lu}|(?:các|nhiều|một số|hầu hết|đa số|giới|phần lớn)(?!\p{L})", core)):
        return Speaker(core, "other", "", "other")  # a document, a law, "nhiều chuyên gia": cited, not named
    return None


# ----------------------------------------------------------------------------------------------- sentences

def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of top-level quoted strings, “curly” quotes nesting, "straight" quotes toggling."""
    spans, depth, start, straight = [], 0, 0, None
    for i, ch in enumerate(text):
        if ch == "“":
            if depth == 0 and straight is None:
                start = i
            depth += 1
        elif ch == "”" and depth > 0:
            depth -= 1
            if depth == 0 and straight is None:
                spans.append((start, i + 1))
        elif ch == '"' and depth == 0:
            if straight is None:
                straight = i
            else:
                spans.append((straight, i + 1))
                straight = None
    return spans


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of sentences (underthesea's splitter), joined again where a split fell inside a quotation."""
    from underthesea import sent_tokenize

    spans, pos = [], 0
    for s in sent_tokenize(text):
        start = text.find(s, pos)
        if start < 0:  # the splitter changed the text; fall back to the rest as one sentence
            spans.append((pos, len(text)))
            pos = len(text)
            break
        spans.append((start, start + len(s)))
        pos = start + len(s)
    if pos < len(text) and text[pos:].strip():
        spans.append((pos, len(text)))
    quotes = quote_spans(text)
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and any(qs < s < qe for qs, qe in quotes):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def verb_pattern(verbs: list[str], punct_verbs: list[str]) -> regex.Pattern:
    strong = "|".join(regex.escape(v) for v in sorted(verbs, key=len, reverse=True))
    weak = "|".join(regex.escape(v) for v in sorted(punct_verbs, key=len, reverse=True)) or "(?!)"
    return regex.compile(rf"(?<!\p{{L}})(?:(?P<verb>{strong})(?!\p{{L}})|(?P<verb>{weak})(?=\s*[,:.!?…]|\s+rằng(?!\p{{L}})|\s*$))",
                         regex.I)


@dataclass
class Cue:
    offset: int
    kind: str  # direct | indirect | according_to
    span: str
    cue: str
    quote: str
    sentence: str
    group: int = 0  # candidates of one sentence share a group: the first that names a speaker wins


def find_cues(text: str, verbs: regex.Pattern, quote_min_words: int = 6) -> list[Cue]:
    """Speech cues of one paragraph, in reading order (speakers are resolved afterwards, in this order)."""
    cues: list[Cue] = []
    used: list[tuple[int, int]] = []  # sentence spans already attributed by a direct quote
    sents = sentences(text)

    def sentence_of(i: int) -> tuple[int, int]:
        return next(((s, e) for s, e in sents if s <= i < e), (0, len(text)))

    for qs, qe in quote_spans(text):
        quote = text[qs + 1:qe - 1].strip()
        if len(quote.split()) < quote_min_words:
            continue  # a scare quote or a name in quotation marks
        ss, se = sentence_of(qs)
        after = text[qe:sentence_of(max(qe - 1, 0))[1]]
        m = regex.match(rf"^\s*[,;–—-]?\s*(?P<span>[^“”\"]{{1,120}}?)\s+{AUX}(?:{verbs.pattern})\s*(?:[,.!?…;]|$)",
                        after, flags=regex.I)
        if m and len(m.group("span").split()) <= 15:
            cues.append(Cue(qs, "direct", m.group("span"), m.group("verb").lower(), quote, text[ss:se], -qs - 1))
            used.append((ss, se))
            continue
        before = text[ss:qs]
        m = regex.search(rf"(?P<span>[^“”\"]+?)\s+{AUX}(?:{verbs.pattern})(?:\s+rằng)?\s*[:,]?\s*$", before, flags=regex.I)
        if m:
            cues.append(Cue(qs, "direct", m.group("span"), m.group("verb").lower(), quote, text[ss:se], -qs - 1))
            used.append((ss, se))
        # a quotation nobody is said to speak is a title or a slogan ("Đề án “Phát triển ...”"): not a quote
    quotes = quote_spans(text)
    for ss, se in sents:
        if (ss, se) in used:
            continue
        sent = text[ss:se]
        m = regex.match(r"^\s*(?:(?:Cũng|Còn|Nhưng|Song|Và)\s+)?[Tt]heo\s+(?:(?:nhận định|đánh giá|ý kiến|báo cáo|"
                        r"thống kê|số liệu|kết quả [^,]{0,40}|thông tin|quan điểm|dự báo|ước tính|tính toán|lời)\s+"
                        r"(?:mới nhất\s+)?của\s+)?(?P<span>[^,;:“”]{2,100}?),\s*(?P<rest>.+)$", sent)
        if m and regex.match(rf"(?:\p{{Lu}}|{HONORIFIC}(?!\p{{L}})|vị(?!\p{{L}})|các|nhiều|một số)", m.group("span")):
            cues.append(Cue(ss + m.start("span"), "according_to", m.group("span"), "theo", m.group("rest").strip(),
                            sent, ss))
            continue
        for v in verbs.finditer(sent):
            if any(qs <= ss + v.start() < qe for qs, qe in quotes):
                continue
            span = sent[:v.start()]
            if not span.strip():
                continue  # "Phát biểu tại hội nghị, ông X nhấn mạnh": the cue is the next verb
            rest = sent[v.end():].strip(" ,:")
            rest = regex.sub(r"^rằng\s*,?\s*", "", rest)
            cues.append(Cue(ss + v.start(), "indirect", span, v.group("verb").lower(), rest, sent, ss))
    return sorted(cues, key=lambda c: c.offset)


def extract_quotes(units: pd.DataFrame, verbs: list[str], punct_verbs: list[str], quote_min_words: int = 6,
                   use_ner: bool = True) -> pd.DataFrame:
    """Pure core: units (unit_id, article_id, position, text + any metadata) -> one row a quote or citation.
    Units are read in article and position order so that short names and pronouns resolve to earlier mentions."""
    pattern = verb_pattern(verbs, punct_verbs)
    rows = []
    meta_cols = [c for c in ("title", "date", "source", "series", "topic", "theme") if c in units.columns]
    order = units.sort_values(["article_id", "position"], kind="stable") if "position" in units.columns else units
    for article_id, art in order.groupby("article_id", sort=False):
        ctx = ArticleContext()
        for unit in art.itertuples(index=False):
            for para in paragraphs(str(unit.text)):
                names = person_names(para)  # names said in passing also anchor a later "ông Sơn"

                def remember(name: tuple[int, int, str], para: str = para) -> None:
                    h = regex.search(rf"({HONORIFIC})\s*$", para[:name[0]])
                    ctx.mention(name[2], gender_of(name[2], h.group(1) if h else None))

                done: set[int] = set()
                for cue in find_cues(para, pattern, quote_min_words):
                    while names and names[0][0] < cue.offset:
                        remember(names.pop(0))
                    if cue.group in done:
                        continue
                    speaker = parse_speaker(cue.span, ctx, use_ner)
                    if speaker is None:
                        continue
                    done.add(cue.group)
                    if speaker.kind == "person" and not speaker.role:  # "bà An" keeps the role given with her full name
                        speaker.role = next((sp.role for sp in reversed(ctx.speakers) if sp.name == speaker.name
                                             and sp.role), "")
                    if speaker is not None and speaker.kind == "person":
                        ctx.speakers.append(speaker)
                    rows.append({"article_id": article_id, "unit_id": unit.unit_id,
                                 **{c: getattr(unit, c) for c in meta_cols},
                                 "speaker": speaker.name, "speaker_type": speaker.kind, "role": speaker.role,
                                 "cue": cue.cue, "kind": cue.kind, "resolution": speaker.resolution, "quote": cue.quote,
                                 "sentence": cue.sentence.strip()})
                for name in names:
                    remember(name)
    return pd.DataFrame(rows).reindex(columns=QUOTE_COLUMNS)


def count_actors(quotes: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """Named speakers (persons and organisations): quotes, direct quotes, articles, and quotes per theme."""
    named = quotes[quotes["speaker_type"].isin(["person", "org"])]
    cols = ["actor", "actor_type", "role", "n_quotes", "n_direct", "n_articles", *[f"theme_{t}" for t in themes]]
    if named.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for (actor, kind), g in named.groupby(["speaker", "speaker_type"], sort=False):
        roles = g["role"].fillna("").astype(str)
        roles = roles[roles != ""]
        theme_counts = g["theme"].value_counts() if "theme" in g else pd.Series(dtype=int)
        rows.append({"actor": actor, "actor_type": kind, "role": roles.value_counts().index[0] if len(roles) else "",
                     "n_quotes": len(g), "n_direct": int((g["kind"] == "direct").sum()),
                     "n_articles": g["article_id"].nunique(),
                     **{f"theme_{t}": int(theme_counts.get(t, 0)) for t in themes}})
    return pd.DataFrame(rows, columns=cols).sort_values(["n_quotes", "n_articles", "actor"],
                                                        ascending=[False, False, True]).reset_index(drop=True)


def actors_by_group(quotes: pd.DataFrame, fields: list[str], date_freq: str) -> pd.DataFrame:
    from pipeline.groups import group_values

    named = quotes[quotes["speaker_type"].isin(["person", "org"])]
    frames = []
    for f in fields:
        if named.empty:
            break
        g = named.assign(group=group_values(named, f, date_freq).to_numpy())
        agg = (g.groupby(["group", "speaker"]).agg(n_quotes=("quote", "size"), n_articles=("article_id", "nunique"))
               .reset_index().rename(columns={"speaker": "actor"}))
        frames.append(agg.assign(field=f))
    cols = ["field", "group", "actor", "n_quotes", "n_articles"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames)[cols].sort_values(["field", "group", "n_quotes", "actor"],
                                               ascending=[True, True, False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- KWIC, colloc

def term_regex(term: str) -> re.Pattern:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def kwic(units: pd.DataFrame, terms: list[str], window: int = 8) -> pd.DataFrame:
    """Pure core: every whole-word, case-insensitive occurrence of each term with `window` words either side."""
    rows = []
    meta = [c for c in ("title", "date", "source", "topic", "theme") if c in units.columns]
    for term in terms:
        pat = term_regex(term)
        for unit in units.itertuples(index=False):
            text = " ".join(str(unit.text).split())
            for m in pat.finditer(text):
                left = text[:m.start()].split()[-window:]
                right = text[m.end():].split()[:window]
                rows.append({"term": term, "unit_id": unit.unit_id, "article_id": unit.article_id,
                             **{c: getattr(unit, c) for c in meta}, "left": " ".join(left),
                             "keyword": m.group(), "right": " ".join(right)})
    return pd.DataFrame(rows).reindex(columns=KWIC_COLUMNS)


def _matches(tokens: list[str], term: list[str]) -> list[tuple[int, int]]:
    """Token ranges that are the term, or one compound token containing it (khoa_học in khoa_học_công_nghệ)."""
    out = []
    k = len(term)
    for i in range(len(tokens) - k + 1):
        if tokens[i:i + k] == term:
            out.append((i, i + k))
        elif k == 1:
            parts, tparts = tokens[i].split("_"), term[0].split("_")
            if len(parts) > len(tparts) and any(parts[j:j + len(tparts)] == tparts
                                                for j in range(len(parts) - len(tparts) + 1)):
                out.append((i, i + 1))
    return out


def log_likelihood(o11: np.ndarray, r1: float, c1: np.ndarray, n: float) -> np.ndarray:
    """Dunning's G² of the 2x2 table (collocate in window or not x collocate or not), vectorised; equal to
    scipy.stats.chi2_contingency(..., correction=False, lambda_="log-likelihood") (checked in the tests)."""
    o = np.stack([o11, r1 - o11, c1 - o11, n - r1 - c1 + o11]).astype(float)
    rows = np.stack([np.full_like(o11, r1, dtype=float), np.full_like(o11, r1, dtype=float),
                     np.full_like(o11, n - r1, dtype=float), np.full_like(o11, n - r1, dtype=float)])
    cols = np.stack([c1, n - c1, c1, n - c1]).astype(float)
    e = rows * cols / n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(o > 0, o * np.log(o / e), 0.0)
    return 2 * terms.sum(axis=0)


def collocations(token_docs: list[str], terms: dict[str, list[str]], stopwords: set[str], window: int = 5,
                 min_count: int = 2, top: int = 10) -> pd.DataFrame:
    """Pure core: for each term (name -> segmented tokens), words within `window` tokens either side, counted
    over all occurrences, ranked by G² among words attracted to the term (observed > expected)."""
    from pipeline.words import TOKEN_PATTERN

    word = re.compile(TOKEN_PATTERN)
    docs = [d.lower().split() for d in token_docs]
    valid = [[word.fullmatch(t) is not None and t not in stopwords for t in d] for d in docs]
    freq = Counter(t for d, v in zip(docs, valid) for t, ok in zip(d, v) if ok)
    n = sum(freq.values())
    rows = []
    for name, term in terms.items():
        term = [t.lower() for t in term]
        joined = "_".join(term)
        co: Counter = Counter()
        r1 = 0
        term_count = 0
        for d, v in zip(docs, valid):
            for s, e in _matches(d, term):
                term_count += 1
                for j in [*range(max(0, s - window), s), *range(e, min(len(d), e + window))]:
                    if v[j] and joined not in d[j] and d[j] not in term:
                        co[d[j]] += 1
                        r1 += 1
        if not co or n == 0:
            continue
        words = [w for w, c in co.items() if c >= min_count]
        if not words:
            continue
        o11 = np.array([co[w] for w in words], dtype=float)
        c1 = np.array([freq[w] for w in words], dtype=float)
        expected = r1 * c1 / n
        g2 = log_likelihood(o11, float(r1), c1, float(n))
        frame = pd.DataFrame({"term": name, "collocate": words, "count": o11.astype(int), "term_count": term_count,
                              "collocate_count": c1.astype(int), "expected": expected,
                              "pmi": np.log2(o11 / expected), "log_likelihood": g2})
        frame = frame[frame["count"] > frame["expected"]].sort_values(["log_likelihood", "collocate"],
                                                                      ascending=[False, True]).head(top)
        rows.append(frame.assign(rank=range(1, len(frame) + 1)))
    if not rows:
        return pd.DataFrame(columns=COLLOCATION_COLUMNS)
    return pd.concat(rows, ignore_index=True)[COLLOCATION_COLUMNS]


# ---------------------------------------------------------------------------------------------- passages

def trim(text: str, max_chars: int) -> str:
    """Cut at the last sentence end before max_chars, else at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    ends = [m.end() for m in re.finditer(r"[.!?…][”\"]?(?=\s)", cut)]
    if ends and ends[-1] > max_chars // 3:
        return cut[:ends[-1]]
    return cut.rsplit(" ", 1)[0] + " …"


def _citation(row) -> str:
    bits = [str(v) for v in (row.get("source"), row.get("date")) if isinstance(v, str) and v and v != "nan"]
    title = row.get("title") if isinstance(row.get("title"), str) and row.get("title") else row.get("article_id")
    title = title if len(title) <= 120 else title[:119].rsplit(" ", 1)[0] + " …"
    return f"“{title}”" + (f" ({', '.join(bits)})" if bits else "")


def passages(units: pd.DataFrame, keys: dict[tuple[str, str], tuple[str, dict[str, float]]], per_key: int = 3,
             max_chars: int = 700, min_words: int = 25) -> pd.DataFrame:
    """Pure core: for each (kind, key) -> (label, {word: weight}) the paragraphs of the units with that key
    (column `topic` or `theme`) that carry most of the words' weight per sqrt(word count); one passage an
    article, the best `per_key` articles."""
    rows = []
    for (kind, key), (label, words) in keys.items():
        column = "topic" if kind == "topic" else "theme"
        pool = units[units[column].astype(str) == str(key)]
        pats = {w: term_regex(w) for w in words}
        best: dict[str, dict] = {}
        for unit in pool.itertuples(index=False):
            for para in paragraphs(str(unit.text)):
                n_words = len(para.split())
                if n_words < min_words:
                    continue
                hits = {w: len(p.findall(para)) for w, p in pats.items()}
                score = sum(words[w] * c for w, c in hits.items()) / math.sqrt(n_words)
                if score <= 0:
                    continue
                prev = best.get(unit.article_id)
                if prev is None or score > prev["score"]:
                    row = unit._asdict()
                    best[unit.article_id] = {
                        "kind": kind, "key": str(key), "label": label, "unit_id": unit.unit_id,
                        "article_id": unit.article_id, "title": row.get("title"), "date": row.get("date"),
                        "source": row.get("source"), "score": round(score, 6),
                        "matched": " ".join(sorted(w for w, c in hits.items() if c)), "text": trim(para, max_chars)}
        chosen = sorted(best.values(), key=lambda r: (-r["score"], r["article_id"]))[:per_key]
        for rank, r in enumerate(chosen, start=1):
            rows.append({**r, "rank": rank, "citation": _citation(r)})
    return pd.DataFrame(rows).reindex(columns=PASSAGE_COLUMNS)


# -------------------------------------------------------------------------------------------------- stage

def unit_frame(articles: pd.DataFrame, units: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Units with their article's metadata and their topic and theme."""
    meta = [c for c in ("article_id", "title", "date", "source", "series", "part", "label") if c in articles.columns]
    out = units[["unit_id", "article_id", "position", "text", "tokens"]].merge(articles[meta], on="article_id", how="left")
    out = out.merge(assignments[["unit_id", "topic", "theme"]], on="unit_id", how="left")
    out["theme"] = out["theme"].fillna("other")
    for c in ("date", "source", "series", "title"):
        if c in out.columns:
            out[c] = out[c].astype("string").fillna("").astype(str)
    return out


def run(frame: pd.DataFrame, params: dict, topic_terms: pd.DataFrame, topics: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All discourse tables from the unit frame (see unit_frame) and the topic outputs."""
    from pipeline.words import tokenize_texts
    from pipeline.text import stopword_list

    d = params["discourse"]
    seg = params["segment"]
    themes = list(params["themes"])
    terms = d["terms"]
    out = {"kwic": kwic(frame, terms, d["kwic_window"])}
    segmented = tokenize_texts(terms, seg.get("dictionary"))
    stop = set(stopword_list(seg["stopwords"]["source"], seg["stopwords"].get("extra")))
    out["collocations"] = collocations(frame["tokens"].tolist(), {t: s.split() for t, s in zip(terms, segmented) if s},
                                       stop, d["collocation_window"], d["collocation_min_count"], d["collocations_top"])
    quotes = extract_quotes(frame, d["speech_verbs"], d.get("speech_verbs_punct") or [], d["quote_min_words"])
    out["quotes"] = quotes
    out["actors"] = count_actors(quotes, [*themes, "other"])
    out["actors_by_group"] = actors_by_group(quotes, params["compare"]["by"] or [], params["compare"]["date_freq"])
    labels = dict(zip(topics["topic"].astype(int), topics["label"].astype(str))) if "label" in topics else {}
    keys: dict[tuple[str, str], tuple[str, dict[str, float]]] = {}
    top = topic_terms[topic_terms["topic"] >= 0].sort_values(["topic", "rank"]).groupby("topic").head(10)
    for topic, g in top.groupby("topic"):
        keys[("topic", str(int(topic)))] = (labels.get(int(topic), str(topic)),
                                            {w.replace("_", " "): float(x) for w, x in zip(g["word"], g["weight"])})
    theme_labels = params.get("theme_labels") or {}
    for theme, words in params["themes"].items():
        keys[("theme", theme)] = (theme_labels.get(theme, {}).get("en", theme), {w: 1.0 for w in words})
    out["passages"] = passages(frame, keys, d["passages_per_topic"], d["passage_max_chars"])
    return out


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("discourse", argv)
    params = P.load(ws.params_file)
    articles = pio.read_parquet(ws / paths.ARTICLES)
    units = pio.read_parquet(ws / paths.UNITS)
    assignments = pio.read_parquet(ws / paths.UNIT_THEMES)
    topic_terms = pio.read_parquet(ws / paths.TOPIC_TERMS)
    topics = pio.read_parquet(ws / paths.TOPIC_THEMES)
    frame = unit_frame(articles, units, assignments)
    out = run(frame, params, topic_terms, topics)
    for name, df in out.items():
        pio.write_csv(ws / paths.discourse_table(name), df)
    q = out["quotes"]
    summary = {"n_units": len(frame), "kwic_lines": len(out["kwic"]), "collocations": len(out["collocations"]),
               "quotes": len(q), "quotes_named": int(q["speaker_type"].isin(["person", "org"]).sum()),
               "actors": len(out["actors"]), "passages": len(out["passages"]),
               "kwic_per_term": out["kwic"]["term"].value_counts().to_dict() if len(out["kwic"]) else {}}
    pio.write_json(ws / paths.DISCOURSE_SUMMARY, summary)
    print(f"discourse: {summary['kwic_lines']} KWIC lines, {summary['quotes']} quotes "
          f"({summary['quotes_named']} named, {summary['actors']} actors), {summary['passages']} passages")


if __name__ == "__main__":
    main()
