"""Speech cues of a paragraph: quoted strings with the words that say who speaks (direct), a speech verb after
the speaker (indirect: X cho biết/nhấn mạnh/cho rằng ...), and "Theo X, ..." (according_to). Sentences come
from underthesea's splitter, joined again where a split fell inside a quotation."""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.speech.names import COUNTRIES, HONORIFIC, PLACES, foreign_names, honorific_names, person_names
from pipeline.speech.slot import ORG_APPOSITION, TITLE_HEAD, TITLE_WORD

AUX = r"(?:(?:đã|cũng|vừa|lại|từng|còn|thì|vẫn|đều|mới|đang|sẽ)\s+)*"
# connectives before "Theo X," ("Tuy nhiên theo ông A, ...", "Cũng theo lời ông B, ...")
# (round 6: "Nhưng vẫn theo Olson, ...": still according to him)
THEO_LEAD = r"^\s*(?:(?:Cũng|Còn|Nhưng|Song|Và|Tuy nhiên|Trong khi đó|Ngoài ra|Mặt khác|Đồng thời),?\s+(?:(?:cũng|vẫn)\s+)?)?"
SOURCE_NOUNS = ("nhận định", "đánh giá", "ý kiến", "báo cáo", "phân tích", "thông báo", "công bố", "thống kê",
                "số liệu", "kết quả [^,]{0,40}", "thông tin", "quan điểm", "dự báo", "ước tính", "tính toán", "lời",
                "trình bày", "số liệu báo cáo", "số liệu thống kê")  # round 6: "Theo trình bày của ông X"


def according_to_pattern(speech_words: tuple[str, ...] = ()) -> regex.Pattern:
    """"Theo X, ..." and "Theo X thì ...": X alone, or a source noun "của" X. The source nouns are the listed ones
    and the speech verbs used as nouns ("Theo đề xuất của Sở X", "Theo giải thích của ông Y"), but not the
    directives: "theo yêu cầu/chỉ đạo của X" says why something was done, not what X said. Round 8: the noun may
    be qualified before "của" ("Theo báo cáo phát triển con người của LHQ", "Theo số liệu thống kê mới nhất của X")."""
    nouns = sorted({*SOURCE_NOUNS, *(regex.escape(w) for w in speech_words if w.lower() not in DIRECTIVE)},
                   key=len, reverse=True)
    return regex.compile(
        rf"{THEO_LEAD}[Tt]heo\s+(?:(?:{'|'.join(nouns)})(?:\s+\p{{Ll}}+){{0,4}}?\s+(?:mới nhất\s+)?của\s+|(?:phân tích|thông báo|lời)\s+|"
        r"tin (?:từ|của)\s+)?(?P<span>[^,;:“”]{2,100}?)(?:,\s*|\s+thì\s+)(?P<rest>.+)$")
# "Ví dụ, về biện pháp thị trường, theo ông, “...”": "theo" and a person inside the sentence, between commas
# (round 7: or a name alone, "song theo Baron, ...", "nhưng theo Bush, ...")
# (round 8: after a comma or a conjunction only: "bị cáo buộc nghe theo Mỹ, Anh" obeys, it cites no one)
MID_THEO_PERSON = regex.compile(rf"(?:,\s*|\s+)(?:(?:song|nhưng|và|mà)\s+|(?<=,\s*))theo\s+(?P<span>{HONORIFIC}(?:\s+\p{{Lu}}\p{{Ll}}*){{0,4}}|"
                             r"\p{Lu}\p{Ll}+(?:[\s.]+\p{Lu}\p{Ll}*){0,3})\s*,\s*(?P<rest>.+)$")
# "Theo ông Yểu điều này là do ...": a name after an honorific needs no comma to end
ACCORDING_TO_NAME = regex.compile(rf"{THEO_LEAD}[Tt]heo\s+(?P<span>{HONORIFIC}\s+\p{{Lu}}\p{{Ll}}*"
                                  r"(?:\s+\p{Lu}\p{Ll}*){0,3})\s+(?P<rest>\p{Ll}.+)$")
# "Theo X" cites someone when X is capitalised, a pronoun or a group ("các chuyên gia"), not "theo đó"/"theo quy định"
# or a title or an organisation's noun written lower-case ("Theo tiến sĩ Laing", "Theo hãng nghiên cứu Gartner")
CITES_SOMEONE = regex.compile(rf"(?:\p{{Lu}}|{HONORIFIC}(?!\p{{L}})|vị(?!\p{{L}})|các|nhiều|một số|{TITLE_WORD}(?!\p{{L}})|"
                              rf"(?:chuyên gia|giới|giám đốc|chủ tịch|bộ trưởng|thứ trưởng|người phát ngôn|chính phủ|chính quyền)(?!\p{{L}})|"
                              rf"(?!báo cáo|tờ (?:trình|khai))(?i:{ORG_APPOSITION.pattern}))")  # documents, not media
# "..., nhưng theo báo cáo của tổ kiểm tra thì ...": a source's report cited inside the sentence
MID_ACCORDING_TO = regex.compile(r"(?:,|(?<!\p{L})nhưng|(?<!\p{L})song)\s+theo\s+(?:nhận định|đánh giá|ý kiến|báo cáo|"
                                 r"thống kê|số liệu|thông tin|dự báo|ước tính|kết luận)\s+(?:mới nhất\s+)?của\s+"
                                 r"(?P<span>[^,;:“”]{2,80}?)\s+thì\s+(?P<rest>.+)$")
# directives and announcements (coding rules R7, C8): among the weak verbs, these also count with no punctuation
# after them ("UBND huyện An Minh yêu cầu xã ..."), for a named speaker; the others are nouns too often
# ("công nghệ thông tin", "đánh giá cao")
DIRECTIVE = {"yêu cầu", "đề nghị", "kiến nghị", "đề xuất", "chỉ đạo", "thông báo", "cam kết"}
ACCORDING_TO = according_to_pattern()
_ACCORDING_TO: dict[str, regex.Pattern] = {}  # verb_pattern's pattern -> "Theo" with its speech verbs as nouns
# a split after an initial or a title's abbreviation ("ông J.T.Wang", "TS. Nguyễn Văn A", "P.V.") is no sentence end
ENDS_IN_INITIAL = regex.compile(r"(?<![\p{L}\d])(?:(?:\p{Lu}\.)+|(?:TS|ThS|PGS|GS|BS|KS|NCS|Th\.S|Mr|Mrs|Ms|Dr|St)\.)$")
# “...” - đó là nhận xét của PGS X: the quotation named as someone's remark after it
THAT_IS_WHAT_SAID = regex.compile(r"^\s*[,;–—-]?\s*(?:[Đđ]ó|[Đđ]ây) là (?:lời |những |một )?(?P<verb>nhận xét|nhận định|ý kiến|"
                                  r"đánh giá|khẳng định|chia sẻ|tâm sự|phát biểu|lời|câu nói|cảnh báo|bình luận|quan điểm)"
                                  r" (?:của|từ) (?P<span>[^“”\",.;!?]{1,80})")
NAME_RUN_AT_START = regex.compile(r"(?:(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị)\s+)?\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,3}")
# "X vừa đưa ra bảng xếp hạng ... Theo đó, ...", "Báo cáo ... của X ... Theo đó, ...": "Theo đó" cites X's report
# (coding rule C12), not "accordingly"
REPORT_BY = regex.compile(r"(?:^|,\s*)(?P<span>[^,]{2,80}?)\s+(?:(?:vừa|đã|mới|cũng)\s+)*(?:đưa ra|công bố|vẽ ra|phát hành)\s+"
                          r"(?:một\s+)?(?:bản\s+)?(?:báo cáo|bảng xếp hạng|kết quả|nghiên cứu|viễn cảnh|khảo sát)(?!\p{L})"
                          r"|^\s*(?:Bản\s+)?[Bb]áo cáo[^,]{0,30}?\s+của\s+(?P<span>[^,]{2,60}?)\s*(?:,|\s+(?:được|cho|đã))")
THEO_DO = regex.compile(r"^\s*Theo đó\s*,\s*(?P<rest>.+)$")
# "Gophatdat.com", "vnexpress.net": a full stop with a lower-case letter glued after it is inside a word (a domain),
# no sentence end ("Bình Triệu 2.Riêng", a capital after it, still is one)
INSIDE_A_WORD = regex.compile(r"\.\p{Ll}")
# (round 8: or the topic or company after it, "” - Chí Trung tâm sự về gia đình mình.", "”, danh hài tâm sự cùng VnExpress.")
# (round 18, E: "cho" of the verbs "cho biết", "cho hay", "cho rằng" is no addressee: "”, Mary Ann cho biết thêm.")
TRAILING_ADDRESSEE = regex.compile(r"(?<=\p{L})\s+(?:với|cho(?!\s+(?:biết|hay|rằng)(?!\p{L}))|cùng|về)\s+[^,:;!?“”\"]{1,40}?(?=\s*[.!?…]?\s*$)")
SAID_WHERE = r"(?:tại|trong|trên|khi|hôm|vào|sáng|chiều|tối|ngày|sau khi|trước khi)\s[^“”\"]*$"
QUOTE_THEN_PERSON = regex.compile(r"^\s*[,;–—-]\s*(?P<span>(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị)(?:\s+\p{Lu}[\p{L}\-.]*){0,3}|"
                               r"\p{Lu}[\p{L}\-.]*(?:\s+\p{Lu}[\p{L}\-.]*){0,3})"
                               r"\s+(?!(?:không|chưa|chẳng|hỏi|được|bị)(?!\p{L}))\p{Ll}+(?:\s+\p{Ll}+){0,2}\s*[.!…]?\s*$")
AUX_RUN = regex.compile(AUX)
CHAINED_TAIL = regex.compile(r"^(?:\s*(?:thêm|rằng|,|:))+")
MAX_ACCORDING_TO_PART = 15  # a longer comma part after "Theo X" is the content
MAX_SPAN_WORDS_AFTER_QUOTE = 15  # “...”, bà An nhấn mạnh: a longer run after a quote is no attribution


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of top-level quoted strings, “curly” quotes nesting, "straight" quotes toggling."""
    return _scan_quotes(text)[0]


def left_open(text: str) -> bool:
    """Round 10: a quotation is still open where the text ends ('... cho biết: “Chúng tôi ...'), read as
    quote_spans reads the marks."""
    return _scan_quotes(text)[1]


def _scan_quotes(text: str) -> tuple[list[tuple[int, int]], bool]:
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
        elif ch == "”" and straight is not None:  # round 6: '"...”', a straight mark closed by a curly one
            spans.append((straight, i + 1))
            straight = None
        elif ch == '"' and depth == 1 and straight is None and i and not text[i - 1].isspace() and \
                not text[i + 1:i + 2].isalpha() and text.count('"', start, i) % 2 == 0:
            # round 8: '“...tốn nhiều tiền" - chị Thanh Ngân nói': a curly mark closed by a straight one (a closing
            # mark, after a letter, with no straight mark opened inside the quotation before it)
            depth = 0
            spans.append((start, i + 1))
        elif ch == '"' and depth == 0:
            if straight is None:
                straight = i
            else:
                spans.append((straight, i + 1))
                straight = None
    return spans, depth > 0 or straight is not None


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
        if merged and (any(qs < s < qe for qs, qe in quotes)
                       or ENDS_IN_INITIAL.search(text[merged[-1][0]:s].rstrip())
                       or INSIDE_A_WORD.match(text, max(s - 1, 0))):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


# round 6: "Bộ trưởng Chertoff nói Bộ của ông ...", "Sơn nói khi đến ...": "nói" with no punctuation after it is said
# right after a capitalised name (maybe with an auxiliary between), unless a word after it makes it a different
# verb or a noun ("nói chuyện", "nói về", "nói lời chia tay", "nói chung"); round 7: nor a noun before it ("Đài
# Tiếng nói Việt Nam": a voice, not "Tiếng" saying)
SAID_AFTER_NAME = (r"(?<=(?<!\p{L})(?-i:(?!(?:Còn|Nhưng|Và|Song|Khi|Nếu|Có|Người|Ai|Tôi|Họ|Chúng|Mình|Ta|Cũng|Lại|Thì|Mà|"
                   r"Như|Nói|Dù|Vì|Do|Để|Tiếng|Lời|Giọng)\s)\p{Lu}\p{L}*\)?)(?:\s+(?:cũng|đã|lại|còn|vẫn|từng))?\s+)")  # not "Còn nói là"
# (round 9: or a bracket closed after it, "Chị T. (Q.Phú Nhuận, TP.HCM) nói chị nhắn tin ...")
SAID_NOT_NOUN = (r"(?!\p{L})(?!\s+(?:chuyện|về|lời|chung|riêng|dối|gì|sao|thế|như|được|không|với|cho|tiếng|ra|lên|"
                 r"đến|tới|qua|có|đùa|rõ|thật|hộ|giúp|cười|mãi|lại)(?!\p{L}))(?!\s*[,:.!?…])")


def verb_pattern(verbs: list[str], punct_verbs: list[str]) -> regex.Pattern:
    """Speech verbs, longest first; punct_verbs (also nouns: "thông tin", "đánh giá") only before , : . or rằng."""
    strong = "|".join(regex.escape(v) for v in sorted(verbs, key=len, reverse=True))
    weak = "|".join(regex.escape(v) for v in sorted(punct_verbs, key=len, reverse=True)) or "(?!)"
    bare = "|".join(regex.escape(v) for v in sorted(punct_verbs, key=len, reverse=True) if v.lower() in DIRECTIVE)
    said = "|".join(regex.escape(v) for v in punct_verbs if v.lower() == "nói")
    # a directive with no punctuation after it ("UBND huyện yêu cầu xã ...") counts only for a named speaker
    # "ông Liêm nói và nhấn mạnh thêm": a weak verb joined to another speech verb is one too
    noun_before = r"(?<!(?:người|những|các|mọi|đơn)\s+)"  # "cho người đề nghị", "các đề nghị", "đơn đề nghị": nouns
    chained = rf"\s+và\s+(?:{strong}|{weak})(?!\p{{L}})"
    # "thông báo với luật sư của mình:", "nói với PV rằng", "thông báo cho LĐBĐ VN biết,": the addressee, then the words
    addressee = r"(?:\s+(?:với|cho)\s+[^,:.;!?“”\"]{1,40}?(?:\s+biết)?(?=\s*[,:]|\s+rằng(?!\p{L})))?"
    pattern = regex.compile(rf"(?<!\p{{L}})(?:(?P<verb>{strong})(?!\p{{L}})|{noun_before}(?P<verb>{weak}){addressee}(?:\s+(?:thêm|tiếp))?(?=\s*[,:.!?…]|\s+rằng(?!\p{{L}})|\s*$|{chained})"
                         rf"|{noun_before}(?P<bare>{bare or '(?!)'})(?!\p{{L}})(?!\s+của(?!\p{{L}}))"
                         rf"|{SAID_AFTER_NAME}(?P<bare>{said or '(?!)'}){SAID_NOT_NOUN})", regex.I)
    _ACCORDING_TO[pattern.pattern] = according_to_pattern((*verbs, *punct_verbs))
    return pattern


@dataclass
class Cue:
    offset: int
    kind: str  # direct | indirect | according_to
    span: str
    cue: str
    quote: str
    sentence: str
    group: int = 0  # candidates of one sentence share a group: the first that names a speaker wins
    named_only: bool = False  # a weak verb without punctuation after it: a cue only for a person or organisation


def _direct_cues(text: str, sents: list[tuple[int, int]], verbs: regex.Pattern,
                 quote_min_words: int) -> tuple[list[Cue], list[tuple[int, int]]]:
    """Quotations with their speaker after (“...”, bà An nhấn mạnh) or before (ông X cho biết: “...”), and the
    sentences they attribute. A quotation nobody is said to speak is a title or a slogan: not a quote."""
    cues: list[Cue] = []
    used: list[tuple[int, int]] = []

    def sentence_of(i: int) -> tuple[int, int]:
        return next(((s, e) for s, e in sents if s <= i < e), (0, len(text)))

    for qs, qe in quote_spans(text):
        quote = text[qs + 1:qe - 1].strip()
        if len(quote.split()) < quote_min_words:
            continue  # a scare quote or a name in quotation marks
        ss, se = sentence_of(qs)
        after = text[qe:sentence_of(max(qe - 1, 0))[1]]
        # "”, X, Chủ tịch Eurocham, trao đổi với Bloomberg.": the addressee that ends the sentence is left out
        after = TRAILING_ADDRESSEE.sub("", after)
        # (round 6) or a place, time or occasion said after the verb, to the sentence's end ("”, Akio Toyoda, thành
        # viên ban lãnh đạo Toyota Motor, phát biểu tại lễ ra mắt một chiếc sedan.")
        # (round 18, E) a strong verb may end the sentence with "thêm" ("”, Mary Ann cho biết thêm."), as weak ones may
        m = regex.match(rf"^\s*[,;–—-]?\s*(?P<span>[^“”\"]{{1,120}}?)\s+{AUX}(?:{verbs.pattern})(?:\s+thêm)?\s*"
                        rf"(?:[,.!?…;]|$|và\s|{SAID_WHERE})", after, flags=regex.I)
        if not (m and len(m.group("span").split()) <= MAX_SPAN_WORDS_AFTER_QUOTE):
            m = THAT_IS_WHAT_SAID.match(after)
        if not m:
            # "”, ông Liêm nói và nhấn mạnh thêm “...”": the second verb of a chain opens a quotation of its own
            # (round 6) the first verb may have an object before "và": "Gordon lại bác bỏ sự thật đó và tuyên bố:"
            m = regex.search(rf"(?P<span>[^“”\"]+?)(?:\s+{AUX}(?:{verbs.pattern})(?:\s+[^“”\",.;:]{{1,40}}?)?\s+và)?"
                             rf"\s+{AUX}(?:{verbs.pattern})"
                             rf"(?:\s+(?:rằng|thì|thêm))?\s*[:,]?\s*$", text[ss:qs],
                             flags=regex.I)
        if not m:
            # round 7: "”, ông lo lắng.", "”, chị Lan cười.": a person and one to three lower-case words end the
            # sentence after the quotation; whatever the verb (outside the lexicon), those are the person's words
            m = QUOTE_THEN_PERSON.match(after)
        if m:
            # a quotation that a chained verb (below) already took as its content is that verb's: one cue
            cues = [c for c in cues if not (c.kind == "indirect" and c.quote.startswith(text[qs:qe]))]
            found = m.groupdict()
            verb = found.get("verb") or found.get("bare") or "quote-marks"
            cues.append(Cue(qs, "direct", m.group("span"), verb.lower(), quote, text[ss:se], -qs - 1,
                            named_only=not found.get("verb")))
            used.append((ss, se))
            chained = _chained_verb(m.string, m.end(), verbs) if m.group().endswith(("và ", "và")) else None
            if chained:  # round 8: '“...”, Yushchenko nói và cho biết thêm vấn đề ...': a second act, its own row
                cues.append(Cue(qe, "indirect", m.group("span"), chained[0], chained[1], text[ss:se], -qe - 1,
                                named_only=chained[2]))
        elif (subject := _subject_before_colon(text[ss:qs])):
            cues.append(Cue(qs, "direct", subject, "quote-marks", quote, text[ss:se], -qs - 1, named_only=True))
            used.append((ss, se))
    return cues, used


CAPITAL_AFTER_FIRST = regex.compile(r"(?<!^)\p{Lu}")
HONORIFIC_START = regex.compile(HONORIFIC, regex.I)
LEADING_CONNECTIVE = regex.compile(r"^\s*(?:(?:nhưng|song|thì|mà|và)\s+)?")


def _chained_verb(after: str, pos: int, verbs: regex.Pattern) -> tuple[str, str, bool] | None:
    """(verb, content, named_only) of a speech verb joined by "và" to the verb that attributed a quotation
    ("”, ông nói và cho biết thêm rằng ngoài hỗ trợ của chính phủ, ..."), with content of three words or more."""
    pos = AUX_RUN.match(after, pos).end()
    v = verbs.match(after, pos)
    if not v:
        return None
    rest = CHAINED_TAIL.sub("", after[v.end():]).strip()
    if len(rest.split()) < 3:
        return None
    return (v.group("verb") or v.group("bare")).lower(), rest, not v.group("verb")


def _subject_before_colon(before: str) -> str | None:
    """"Ông Lê Văn A, Giám đốc Sở X, cũng tỏ ra lạc quan: “...”": a sentence that opens with a person (and an
    apposition) and introduces the quotation with a colon, whatever its verb; the name and apposition, or None."""
    if not regex.search(r":\s*$", before):
        return None
    pronoun = regex.match(r"^\s*(?P<who>(?:[Ôô]ng|[Bb]à)(?:\s+(?:ta|ấy|này))?)"
                          r"(?!\s+(?:mợ|cụ|chủ|lão|già|nội|ngoại|bầu|trùm|cả|hai|ba|tư|năm|sáu|bảy|tám|chín|mười|con|cháu|anh|chị|em)(?!\p{L}))"
                          r"(?:\s+\p{Ll}+){2,11}\s*:\s*$", before)  # not "Bà mợ của nhỏ", "Ông chủ quán": a kin or a trade
    if pronoun:
        return pronoun.group("who")  # "Ông đánh giá rất cao tân binh này: “...”": the person the article speaks of
    segs = before.split(",")
    first = segs[0].strip().rstrip(":").strip()
    if len(segs) > 1 and not CAPITAL_AFTER_FIRST.search(first) and not HONORIFIC_START.match(first):
        # round 8: "Tuy vậy, Kacic vẫn không tuyệt vọng: “...”", "Dù rất bận rộn, nhưng ông Dũng vẫn tỏ ra hạnh
        # phúc: “...”": an adverbial clause with no capitalised word after its first (no name) opens the sentence;
        # its subject follows the comma
        rest = LEADING_CONNECTIVE.sub("", before.split(",", 1)[1])
        if rest.strip():
            return _subject_before_colon(rest)
    # round 9: "Chị Tâm chở hoa vườn nhà từ Chợ Gạo lên bán tết ở Mỹ Tho, than:": the predicate runs on past a
    # comma, every later segment lower-case and nameless: read as one segment
    if len(segs) > 1 and all(PREDICATE_SEGMENT.fullmatch(sg.strip()) for sg in segs[1:]) and \
            not any(person_names(sg) or honorific_names(sg) for sg in segs[1:]) and \
            len(" ".join(segs).split()) <= 24:
        opening = _opening_name(first, PREDICATE_WORDS)
        if opening:
            return opening
    if len(segs) == 1:
        # "Adriaanse quả quyết:", "Long thuyết phục:": one name, then a few lower-case words (quotes.py keeps it
        # only if it resolves to a person)
        # (round 9: or an initial, "T. trả lời khá hồ hởi:")
        one = regex.match(r"^(?P<name>\p{Lu}[\p{L}\-']+|(?:\p{Lu}\.){1,2})(?:\s+\p{Ll}+){1,6}$", first)
        if one and not TITLE_HEAD.match(first) and not ORG_APPOSITION.match(first):
            return one.group("name")
        # "Ông Lê Văn A bộc bạch:", "Ông Tavares đánh giá về thắng lợi trước Campuchia:": the name that opens the
        # sentence (maybe after its title), then its predicate, lower-case first, of at most twelve words
        # (round 8: or a foreign name, "Niweat Siriwong chia sẻ về điều này:")
        # (round 9: of at most twenty words, "Ông Kacic đã ghi hết những lần thất bại vào quyển sách nhỏ màu đen với
        # kinh nghiệm đúc kết:"; and "Chị Tâm", a kin word and a given name)
        first = _opening_name(first, PREDICATE_WORDS) or first
    # the name opens the segment, or follows its title ("Giám đốc Sở TDTT Nghệ An Nguyễn Hoàng Thụ:")
    named = [n for n in person_names(first) + honorific_names(first) + foreign_names(first) if n[1] == len(first) and (
        n[0] <= 12 or (TITLE_HEAD.match(first) and not regex.search(r"[.,;:!?]", first[:n[0]])))]
    # (round 7: also when the predicate runs on in the apposition's segment, "Chị Thanh Trà, nhân viên văn phòng
    # tỏ ra lưỡng lự:", the name being one the surname list does not know)
    foreign = NAME_RUN_AT_START.fullmatch(first) and len(segs) >= 2 and segs[1].strip()[:1].islower()
    if not (named or foreign) or (TITLE_HEAD.match(first) and not named) or ORG_APPOSITION.match(first):
        return None  # "Tờ La Repubblica chạy hàng tít:": a medium's headline, not a person's words
    apposition = segs[1] if len(segs) >= 2 and segs[1].strip()[:1].islower() else ""
    return f"{first},{apposition}" if apposition else first


PREDICATE_SEGMENT = regex.compile(r"\p{Ll}[^:“”\"]*:?")
PREDICATE_WORDS = 20  # a name, then its predicate up to the colon: longer is a clause of its own


def _opening_name(first: str, most: int) -> str | None:
    """The person's name that opens a segment (maybe after its title) and a lower-case predicate of at most
    `most` words after it, or None."""
    kin = regex.match(rf"^{HONORIFIC}\s+\p{{Lu}}\p{{Ll}}+(?:\s+\p{{Lu}}\p{{Ll}}+){{0,3}}(?=\s+\p{{Ll}})", first)  # "Chị Tâm"
    kin = [(0, kin.end(), kin.group())] if kin else []
    for start, end, name in sorted(person_names(first) + honorific_names(first) + foreign_names(first) + kin):
        opens = start <= 12 or (TITLE_HEAD.match(first) and not regex.search(r"[.,;:!?]", first[:start]))
        rest = first[end:]
        if opens and regex.match(r"\s+\p{Ll}", rest) and len(rest.split()) <= most:
            return first[:end]
    return None


def _ends_in_name(span: str) -> bool:
    span = span.rstrip()
    if regex.match(rf"(?:{'|'.join(DIRECTIVE)})\s", span, flags=regex.I):
        return False  # "Theo yêu cầu của Chủ tịch QH Nguyễn Văn An": at his request, not in his words
    return any(e == len(span) for _, e, _ in person_names(span))


# round 9: "Theo nhạc sĩ Tuấn Khanh, ...", "Theo nhà kinh tế học Nauy Martin Olsen, ...": a lower-case description (no
# "của": "quy định mới của Bộ X" is a rule) and a name of two capitalised words or more that ends the span (round 16,
# T: up to six lower-case words, "Theo nhà tư vấn tâm lý Audrey Chapman, ...")
DESCRIBED_NAME_SPAN = regex.compile(r"(?:\p{Ll}+\s+){1,6}(?P<name>\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,3})")


def described_name(span: str) -> tuple[str, str] | None:
    """(name, description) of a "Theo X" span that is a lower-case description and a name (DESCRIBED_NAME_SPAN)."""
    if not _ends_in_described_name(span):
        return None
    m = DESCRIBED_NAME_SPAN.fullmatch(span.strip())
    name, description = m.group("name"), span.strip()[:m.start("name")].strip()
    if not any(e - b == len(name) for b, e, _ in foreign_names(name) + person_names(name)):
        return None  # "đường Hàng Bài": a street, not a person (a name the name steps know, or a foreign one)
    if regex.search(r"(?<!\p{L})đại diện$", description):
        return None  # "vị đại diện Saigon Postel": the body's representative, unnamed (coding rule C1)
    if regex.search(r"(?<!\p{L})(?:tạp chí|báo|tờ|hãng|hãng tin|đài|công ty|tập đoàn|trường|viện)$", description) and \
            len(name.split()) > 2:  # "biên tập viên tạp chí Fangoria Tony Timpone": the first word is the medium's
        first, name = name.split(" ", 1)
        description = f"{description} {first}"
    return name, description


# round 16 (T): "Theo ông Nguyễn Thu - tổng giám đốc cảng Đà Nẵng - mức phí ...": the name's role between dashes
ACCORDING_TO_DASHED = regex.compile(rf"{THEO_LEAD}[Tt]heo\s+(?P<name>[^,;:“”\-–—]{{2,60}}?)\s+[-–—]\s+"
                                    r"(?P<role>[^,;:“”\-–—]{2,100}?)\s+[-–—]\s*,?\s*(?P<rest>\p{L}.+)$")


def _ends_in_described_name(span: str) -> bool:
    m = DESCRIBED_NAME_SPAN.fullmatch(span.strip())
    return bool(m) and not regex.search(r"(?<!\p{L})(?:của|và|với|về|tại|ở|cho)(?!\p{L})", span) and \
        m.group("name") not in (*COUNTRIES, *PLACES)


def _according_to_boundary(span: str, rest: str) -> tuple[str, str]:
    """Where "Theo X, ..." ends: after the first comma, unless the next comma part is the name the title
    was leading to ("Theo Chủ nhiệm Ủy ban Văn hóa, Giáo dục ... Trần Thị B, ...") or the role after the name
    ("Theo ông A, Phó Chủ nhiệm Ủy ban X, ...")."""
    named_span = person_names(span) or honorific_names(span)
    if regex.match(r"(?:một số|một|các|nhiều|những)\s", span):
        return span, rest  # "Theo một số nguồn tin, trong máy tính của X, ...": an unnamed source, X is content
    parts = rest.split(",")
    for n in range(1, len(parts)):  # the title's own commas ("Ủy ban Văn hóa, Giáo dục, Thanh thiếu niên ...")
        part = ",".join(parts[:n])
        if len(part.split()) > MAX_ACCORDING_TO_PART:
            break
        names = person_names(part) + honorific_names(part)
        if (not named_span and any(e == len(part.rstrip()) for _, e, _ in names)) or \
                (named_span and n == 1 and not names and TITLE_HEAD.match(part.strip())):
            return f"{span}, {part.strip()}", ",".join(parts[n:])
        if names:
            break
    return span, rest


def _sentence_cues(text: str, sent: tuple[int, int], verbs: regex.Pattern, quotes: list[tuple[int, int]]) -> list[Cue]:
    """The cues of a sentence no quotation attributes: "Theo X, ..." or else each speech verb outside quotes
    (its candidates share the sentence's group: the first that names a speaker wins)."""
    ss, se = sent
    text = text[ss:se]
    if text.rstrip(" )”\"").endswith("?"):
        return []  # a question (an interviewer's, a rhetorical one): its speech verbs are asked about, not said
    # "Theo X, ..." opens the sentence, or follows the dash after a dateline or a headline run into the lead
    # (round 6) or a capital "Theo" inside the sentence: a headline with no full stop run into the lead ("Hà Nội: 35,6
    # triệu USD cho Dự án phát triển CNTT Theo Uỷ ban Nhân dân thành phố Hà Nội, ...")
    for k in (0, *(d.end() for d in regex.finditer(r"[-–—]\s*(?=[Tt]heo\s)|(?<=[\p{L}\d)]\s+)(?=Theo\s)", text))):
        dashed = ACCORDING_TO_DASHED.match(text[k:])
        if dashed and (honorific_names(dashed.group("name")) or _ends_in_name(dashed.group("name"))):
            return [Cue(ss + k + dashed.start("name"), "according_to", f"{dashed.group('name')}, {dashed.group('role')}",
                        "theo", dashed.group("rest").strip(), text, ss)]
        m = ACCORDING_TO_NAME.match(text[k:]) or _ACCORDING_TO.get(verbs.pattern, ACCORDING_TO).match(text[k:])
        # a full name ending the span cites a person whatever words describe them ("Theo lương y Trần Khiết,")
        if m and (CITES_SOMEONE.match(m.group("span")) or _ends_in_name(m.group("span"))
                  or _ends_in_described_name(m.group("span"))):
            span, rest = _according_to_boundary(m.group("span"), m.group("rest"))
            return [Cue(ss + k + m.start("span"), "according_to", span, "theo", rest.strip(), text, ss)]
    m = MID_ACCORDING_TO.search(text) or MID_THEO_PERSON.search(text)
    if m:
        return [Cue(ss + m.start("span"), "according_to", m.group("span"), "theo", m.group("rest").strip(), text, ss)]
    cues = []
    for v in verbs.finditer(text):
        if any(qs <= ss + v.start() < qe for qs, qe in quotes):
            continue
        if v.start() > 0 and v.group()[0].isupper():
            continue  # "Ban Chỉ đạo", "Hội đồng Tư vấn": inside a name, not a speech verb
        span = text[:v.start()]
        if not span.strip():
            continue  # "Phát biểu tại hội nghị, ông X nhấn mạnh": the cue is the next verb
        rest = regex.sub(r"^rằng\s*,?\s*", "", text[v.end():].strip(" ,:"))
        verb = v.group("verb") or v.group("bare")
        cues.append(Cue(ss + v.start(), "indirect", span, verb.lower(), rest, text, ss, named_only=not v.group("verb")))
    return cues


def find_cues(text: str, verbs: regex.Pattern, quote_min_words: int = 6) -> list[Cue]:
    """Speech cues of one paragraph, in reading order (speakers are resolved afterwards, in this order)."""
    sents = sentences(text)
    cues, used = _direct_cues(text, sents, verbs, quote_min_words)
    quotes = quote_spans(text)
    for i, sent in enumerate(sents):
        theo_do = THEO_DO.match(text[sent[0]:sent[1]])
        report = REPORT_BY.search(text[sents[i - 1][0]:sents[i - 1][1]]) if theo_do and i else None
        if report:
            cues.append(Cue(sent[0], "according_to", report.group("span"), "theo", theo_do.group("rest"),
                            text[sent[0]:sent[1]], sent[0]))
        elif sent not in used:
            cues.extend(_sentence_cues(text, sent, verbs, quotes))
    return sorted(cues, key=lambda c: c.offset)
