"""The speaker named in the words around a speech cue, resolved against what the article said before.

parse_speaker is a short pipeline: a guard (is this a speech act at all?) and then named steps, each of which
either names the speaker, says the span names nobody (NOBODY: stop), or passes (None) to the next one. The order
is the order of confidence: a full name, an honorific and a short name, a pronoun, the NER tagger, a title alone,
a title and a short name, an organisation, and last a cited source that names no person ("nhiều chuyên gia").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable

import regex

from pipeline.speech.names import (AFTER_PLACE_CUE, CAP_RUN, COUNTRIES, HONORIFIC, INITIAL_NAME, PLACES, SYLLABLE, gender_of, honorific_before,
                                   NOT_GIVEN_NAME, SURNAMES, VN_SYLLABLE, foreign_names, honorific_names, ner_entities, person_names,
                                   strip_place)
from pipeline.speech.slot import (CONNECTIVES, DESCRIBED_ORG, MEMBER_NAME, ORG_APPOSITION, PLACE_TAIL, TITLE_HEAD, TITLE_WORD,
                                  speaker_slot)

OTHER_REJECT = regex.compile(r"^(?:có thể|cần|cần phải|phải|xin|điều này|đây|đó|có|chúng ta|chúng tôi|tôi|mình|họ|"
                             r"nó|chúng|bạn|ta|người ta|ai|"
                             r"thực tế|như vậy|qua đó|từ đó|nhìn chung|nói chung|tóm lại)$", regex.I)
STARTS_CLAUSE = regex.compile(r"^(?:tuy|dù|mặc dù|nếu|khi|để|vì|do|nhưng|và|song|mà|rồi|sau khi|trước khi)(?!\p{L})",
                              regex.I)
# "đáng lưu ý", "được yêu cầu", "cần nhấn mạnh", "vì cho rằng", "Theo nhận định của": the cue is no speech act
NOT_SPEECH_BEFORE = regex.compile(r"(?<!\p{L})(?:đáng|được|bị|cần|phải|có thể|không|chưa|để|mà|vì|nếu|sẽ|theo|"
                                  r"muốn|hãy|xin|(?-i:bằng|cấm|câu|lời|sự|giọng))$", regex.I)  # "câu trả lời", "sự chỉ đạo": nouns
# round 21 (M): a given name that is also such a word ("Ông Thạch Cần cho biết", "Ông Được nói", "Ông Đáng cho
# biết"): capitalised after a capitalised word it ends the name, it is no "cần / được / đáng" before the verb
NAME_LIKE_MODAL = regex.compile(r"(?<!\p{L})\p{Lu}[\p{L}.]*\s+(?:Cần|Được|Đáng|Phải)$")
# heads separated by commas: most are two words ("Ủy ban", "Thành ủy"), and a single word of one ("Thành",
# "Công") is no organisation
ORG_HEADS = [h.strip() for h in (
    "Bộ, Sở, UBND, HĐND, Ủy ban, Uỷ ban, Ban, Viện, Trường, Đại học, Công ty, Tập đoàn, Tổng cục, Cục, Hiệp hội, Hội, "
    "Ngân hàng, Quỹ, Trung tâm, Tổ chức, Hội đồng, Văn phòng, Thành ủy, Tỉnh ủy, Quốc hội, Chính phủ, Bộ Chính trị, "
    "Liên minh, Tổng công ty, Chi cục, Phòng, Sàn, Báo, Đài, Cổng, Học viện, Bệnh viện, Công an, Tòa án, "
    "Viện kiểm sát, Hãng tin, Hãng thông tấn, Thông tấn xã, Tạp chí, Hãng, Bưu điện, Nhà máy, Đảng, "
    "TAND, VKSND, Cơ quan, Thanh tra, Vụ").split(",")]  # round 6: the courts' and procuracies' standard abbreviations ("TAND Tối cao")
# (round 8: "Cơ quan Cảnh sát điều tra Công an TP HCM" is the investigating agency, not the police it belongs to)
# (round 9: "Thanh tra Sở Tài nguyên - môi trường" is the inspectorate, "Vụ Thương mại điện tử - Bộ Thương mại" the
# department, not the ministry or office they belong to)
# bodies named only generically but identifiable in context are organisations (coding rule C1), written lower-case
GENERIC_BODY = regex.compile(r"(?<!\p{L})(?:cơ quan (?:chức năng|điều tra|công an|thuế|hải quan|quản lý)|"
                             r"tổ (?:kiểm tra|công tác|điều tra)|đoàn (?:kiểm tra|thanh tra|công tác)|"
                             r"bộ phận kỹ thuật|ban quản lý(?: dự án)?|"
                             r"ngành (?-i:\p{Lu}[\p{L}\-]*(?:\s+\p{Lu}[\p{L}\-]*)*)(?:\s+(?:thành phố|tỉnh|huyện|quận))?|"
                             # round 9: "chính phủ Nam Phi", "chính quyền Nga": a government by its country (R4)
                             r"chính (?:phủ|quyền) (?-i:\p{Lu}[\p{L}\-]*(?:\s+\p{Lu}[\p{L}\-]*){0,3}))$")  # "ngành BHXH thành phố"
MEMBER_OF = regex.compile(r"(?<!\p{L})(?:thành viên|đại diện|lãnh đạo|cán bộ|người|chuyên gia)(?:\s+(?:của|trong|thuộc))?\s*$",
                          regex.I)
# "Bộ trưởng", "Cục trưởng", "Viện phó" are titles, not the body
# round 20 (D): "Báo cáo" is a report and "Báo chí" the press, no newspaper ("Báo cáo chính trị nhấn mạnh")
ORG_TAIL = regex.compile(rf"(?<!\p{{L}})(?:{'|'.join(map(regex.escape, sorted(ORG_HEADS, key=len, reverse=True)))})"
                         r"(?!\s+(?:trưởng|phó)(?!\p{L}))(?!(?<=Báo)\s+(?:cáo|chí)(?!\p{L}))"
                         rf"(?:\s+(?:\S+))*$")
# auxiliaries and a time said between speaker and verb ("Ủy ban bầu cử Iraq hôm qua cũng bác bỏ")
TRAILING_AUX = regex.compile(r"(?:(?:^|\s+)(?:đã|có|cũng|vừa|lại|từng|còn|thì|vẫn|đều|mới|đang|sẽ|cũng đã|khi|mới đây|đưa ra|(?<=(?:đã|vừa|cũng|mới)\s+)ra|"
                             r"vừa qua|chính thức|công khai|một lần nữa|(?:cuối\s+)?tuần\s+(?:qua|trước|này)|"
                             r"(?:cuối\s+)?tháng\s+(?:qua|trước|này)|hôm\s+(?:qua|nay|kia|thứ\s+\p{L}+|[\d./-]+)|ngày\s+[\d./-]+|"
                             r"(?:sáng|trưa|chiều|tối)\s+(?:nay|qua|[\d./-]+)))+\s*$")
# "ông ta", "vị này", "người này"; not "người ta" (impersonal: one, people)
PRONOUN = regex.compile(rf"^(?:{HONORIFIC}(?:\s+ta)?|vị|người)(?:\s+(?:này|ấy|cho hay))?$", regex.I)
# a short name after an honorific or an abbreviated professional title ("KS Khánh", "LS. Nguyên", "TS Hùng")
# round 7: "TT Arroyo" (Tổng thống), "NSƯT Kim Cương": abbreviated titles, not an organisation's acronym
TITLE_ABBR = r"(?:GS|PGS|TS|ThS|KS|BS|LS|NCS|TT|NSND|NSƯT)(?:\.?\s*TS)?\.?"
SHORT_NAME = regex.compile(rf"(?<!\p{{L}})({HONORIFIC}|{TITLE_ABBR}|{TITLE_WORD})\s+({SYLLABLE})(?:\s+({SYLLABLE}))?\s*$")
HONORIFIC_INITIAL = regex.compile(rf"(?<![\p{{L}}.])({HONORIFIC})\s+((?:\p{{Lu}}\.){{1,2}}|\p{{Lu}}\.\p{{Lu}})\s*$")
TITLE_ALONE = regex.compile(r"\p{Lu}\p{Ll}+(?:\s+\p{Ll}+){1,3}")
# a role said alone, maybe after ông/bà/vị and before này/ấy: a reference back to the person who holds it
ROLE_REFERENCE = regex.compile(rf"(?:(?:{HONORIFIC}|vị|ngài)\s+)?(?P<title>(?i:{TITLE_HEAD.pattern[1:]})(?:\s+\p{{Ll}}+){{0,2}}?)"
                               r"(?:\s+(?:này|ấy|nói trên))?", regex.I)
# roles many people share in one article: "chuyên gia cho rằng" is an unnamed expert, not the last one named
SHARED_ROLES = {"chuyên gia", "thành viên", "đại diện", "giáo viên", "giảng viên", "ủy viên", "uỷ viên", "nhà văn",
                "nghệ sĩ", "nguyên", "cựu", "phó", "tổng", "trưởng", "chủ doanh nghiệp"}
# (round 6: the title may name the body by its acronym, "Chủ tịch SSA Gordon")
# (round 7: or an abbreviated title, "HLV trưởng Tavares", "TS trưởng nhóm Brown")
TITLE_AND_SHORT = regex.compile(rf"(?P<title>(?:\p{{Lu}}\p{{Ll}}+|HLV|TS|GS|PGS|BS|TT)(?:\s+\p{{Ll}}+)+(?:\s+[\p{{Lu}}\d&\-]{{2,}})?)\s+(?P<short>{SYLLABLE})")
CITED_SOURCE = regex.compile(r"\p{Lu}|(?:các|nhiều|một số|hầu hết|đa số|giới|phần lớn)(?!\p{L})")
ROLE_BREAK = regex.compile(r"(?<!\p{L})(?:song|nhưng|thì|mà|khi|vì|nên|là|đã|cũng|với|cho|rằng|được|sẽ|đang|vừa|"
                           r"của\s+(?:ông|bà)|theo|tuy|dù|nếu|sau khi|trước khi)(?!\p{L})", regex.I)
# a representative or a described person, not the body itself (coding rule C1): "Đại diện SJC", "Một chuyên gia
# của trường X", "một lãnh đạo của Công ty Y" are unnamed sources
UNNAMED_HEAD = regex.compile(r"^(?:đại diện|người đại diện|(?:một|các|nhiều|những|một số)\s+(?:\p{Ll}+\s+){0,2}?"
                             r"(?:chuyên gia|lãnh đạo|quan chức|cán bộ|đại diện|nguồn tin|thành viên|nhà|người|ý kiến|bác sĩ|bác sỹ|luật sư|"
                             r"giáo viên|nhân viên|công nhân)"
                             r"|nguồn tin|có ý kiến|ý kiến"
                             # round 15: "Giới chức Bộ Quốc phòng Mỹ", "lãnh đạo Bộ Giao thông vận tải": described
                             # people of a body, with no "một"/"các" before them, are unnamed too (rule C1) unless a
                             # name ends the clause (as_unnamed)
                             r"|(?P<bare>giới chức|lãnh đạo|quan chức|cán bộ)"
                             r"|có(?=\s+\p{Lu}))(?!\p{L})", regex.I)  # "Có TCT đề nghị": there is one (unnamed) that
# heads that name no one by themselves ("Bộ" cho biết, "Ban tổ chức", "Công nghệ" from a list of laws)
GENERIC_SPEAKERS = {h.lower() for h in ORG_HEADS} | {"ban tổ chức", "công nghệ", "có ý kiến", "ý kiến", "thành phố",
                                                     "công ty", "nhà nước", "khoa học", "ngành", "tổ chức",
                                                     "tp", "tỉnh", "huyện", "quận", "xã",  # "TP chỉ đạo": which?
                                                     "mc", "hội nghị", "hội thảo",  # a role; which meeting?
                                                     # round 14: a conjunction or the hearsay verb that opens a
                                                     # sentence ("Và, ông cũng nói:", "Nghe nói ...")
                                                     "và", "nhưng", "nghe"}
# a name of its own: every word capitalised or an acronym ("Alcatel", "BKA", "GfK", "Nokia Networks")
PROPER_NAME = regex.compile(r"\p{Lu}[\p{L}\d&.\-]*(?:\s+\p{Lu}[\p{L}\d&.\-]*){0,4}")
ACRONYM = regex.compile(r"^[\p{Lu}\d&.\-]{2,}(?:\s+[\p{Lu}\d&.\-]{2,})*$")
# "eMarketer vừa đưa ra báo cáo thống kê cho biết", "Bộ GTVT có công văn gửi các ban quản lý dự án yêu cầu": the
# body speaks through its report or letter
THROUGH_DOCUMENT = regex.compile(r"\s+(?:(?:vừa|đã|mới|cũng)\s+)*(?:đưa ra|công bố|phát hành|ra|có|gửi)\s+(?:một\s+)?(?:bản\s+)?"
                                 r"(?:báo cáo|thông cáo(?: báo chí)?|công văn|văn bản|thư|thông báo)(?:\s+\p{Ll}+){0,2}"
                                 r"(?:\s+(?:gửi|tới|đến)(?:\s+\S+){1,6})?\s*$")
NAMED_AFTER = regex.compile(r"(?<!\p{L})(?:thuộc|của|tại|ở)\s+(?:\p{L}+\s+){0,2}(?i:văn phòng(?: luật sư)?|công ty(?: luật)?|"
                            r"quỹ|giải thưởng|nhà thờ|đền|chùa)(?:\s+\p{Ll}+){0,3}\s+$")
MAX_SPAN_WORDS = 45  # longer "spans" are whole clauses, not the words naming a speaker


@dataclass
class Speaker:
    name: str
    kind: str  # person | org | other (a document, a law, unnamed experts)
    role: str = ""
    resolution: str = ""  # the step that named the speaker: name, short_name, pronoun, ner, role, org, other, ...
    gender: str | None = None


NOBODY = Speaker("", "nobody")  # a step's verdict that the span names nobody: later steps are not tried


@dataclass
class ArticleContext:
    """What an article has said so far: full names mentioned (for short names) and speakers (for pronouns)."""
    mentions: list[tuple[str, str | None]] = field(default_factory=list)  # (name, gender), in reading order
    speakers: list[Speaker] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)  # organisations that spoke, for a later acronym ("BKA")
    text: str = ""  # the article as read up to the cue, for a surname said alone after the full name
    interviewee: Speaker | None = None  # who answered the last interview question
    titled: list[tuple[str, str, str | None]] = field(default_factory=list)  # (name, role, gender) as introduced
    qa_from: int | None = None  # len(speakers) when the first answer of a question-and-answer part came
    announced: tuple[Speaker, str] | None = None  # (speaker, verb) of "ông X cho biết:" ending the last paragraph
    quoted_last: Speaker | None = None  # who spoke last in the previous paragraph, for a paragraph only of quotation
    answered_last: Speaker | None = None  # who gave the interview answer that was the previous paragraph
    # round 10: (speaker, verb) of a quotation the last paragraph opened and did not close, which runs on
    open_quote: tuple[Speaker, str] | None = None
    following: list[str] = field(default_factory=list)  # the next paragraphs of the article, read ahead for that

    def full_form(self, word: str) -> tuple[str, str] | None:
        """(name, kind) that a lone capitalised word stands for: an acronym inside an organisation that spoke
        before ("BKA" after "Văn phòng tội phạm BKA của Đức"), or a surname after the given name it had before
        ("Wiseman" after "Richard Wiseman", names no surname list knows)."""
        if ACRONYM.match(word):
            org = next((o for o in reversed(self.orgs) if o != word and word in o.split()), None)
            return (org, "org") if org else None
        # one given name and initials before it, on one line ("R. Laing", "Anthony Salzman", "George W. Bush"; not
        # "Chelsea Jose Mourinho", nor the end of the paragraph before)
        found = self._full_form_in(word, self.text, reverse=True)
        if found is None and not VN_SYLLABLE.fullmatch(word) and self.following:
            # round 15: "Maldini nhấn mạnh" where "Paolo Maldini" comes in a later paragraph: a foreign surname
            # is read ahead too (never a Vietnamese syllable, which is a given name, not a surname)
            found = self._full_form_in(word, "\n".join(self.following), reverse=False)
            found = found if found and found[1] == "person" else None
        return found

    @staticmethod
    def _full_form_in(word: str, text: str, reverse: bool) -> tuple[str, str] | None:
        given = r"(?:\p{Lu}\p{Ll}+ +(?:\p{Lu}\. ?)*|(?:\p{Lu}\. ?)+)"
        found = list(regex.finditer(rf"(?<![\p{{L}}.]){given}{regex.escape(word)}(?!\p{{L}})", text))
        for m in (reversed(found) if reverse else found):
            run = regex.search(r"(?:\p{Lu}\S* +)*$", text[:m.start()]).group() + m.group()
            if regex.search(r"(?<!\p{L})(?:tờ|báo|hãng tin|tạp chí|đài)\s+$",
                            text[:m.end() - len(run)], regex.I):
                return run, "org"  # "Times" after "tờ New York Times": a medium
            if AFTER_PLACE_CUE.search(text[max(0, m.start() - 40):m.start()]) or \
                    AFTER_PLACE_CUE.search(m.group()[:-len(word)]):
                continue  # "chợ Bến Thành", "Bến Thành": a place, not a given name and surname
            words = m.group().split()
            if len(words) == 1 and m.group() != word:  # "D.Nieman": the initial glued to the surname
                return m.group(), "person"
            while words[:-1] and (words[0] in NOT_GIVEN_NAME or words[0] in COUNTRIES or words[0] in PLACES):
                words = words[1:]
            if words[:-1]:
                return " ".join(words), "person"
        return None

    def mention(self, name: str, gender: str | None) -> None:
        known = next((g for n, g in self.mentions if n == name and g), None)
        self.mentions.append((name, gender or known))

    def holder_of(self, title: str) -> Speaker | None:
        """The person most recently given a role that begins with title ("Thứ trưởng" after "Thứ trưởng Bộ Tài
        nguyên Môi trường Đặng Hùng Võ"), whether they spoke then or were only introduced."""
        title = title.lower()
        for sp in reversed(self.speakers):  # a speaker is the likelier referent than one named in passing
            if sp.kind == "person" and sp.role.lower().startswith(title):
                return Speaker(sp.name, "person", sp.role, "role", sp.gender)
        for name, role, gender in reversed(self.titled):
            if role.lower().startswith(title):
                return Speaker(name, "person", role, "role", gender)
        return None

    def by_short_name(self, short: str) -> tuple[str, str | None] | None:
        for name, gender in reversed(self.mentions):
            if name.split()[-1] == short:
                return name, gender
        # round 6: foreign names said short in other ways: the family name first ("ông Okuda" after "Okuda
        # Hiroshi", never a Vietnamese surname: "ông Nguyễn" is no way to name someone), the surname in another
        # case ("Al-Bayati" after "Hamid al-Bayati"), or with the given name's initial ("E.Martani")
        initial = regex.fullmatch(r"(\p{Lu})\.\s?(\p{Lu}\S+)", short)
        for name, gender in reversed(self.mentions):
            words = name.split()
            if len(words) < 2:
                continue
            if (words[0] == short and short not in SURNAMES) or \
                    (words[-1].lower() == short.lower() and "-" in short) or \
                    (initial and words[-1] == initial.group(2) and words[0].startswith(initial.group(1))):
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


# ------------------------------------------------------------------------------------------------------ roles

def _last_clause(text: str) -> str:
    parts = [p for p in text.split(",") if p.strip(" -–—")]
    return parts[-1] if parts else ""


def _clean_role(text: str) -> str:
    text = CONNECTIVES.sub("", text.strip(" ,;:-–—"))
    text = TRAILING_AUX.sub("", text)
    text = regex.sub(rf"^{HONORIFIC}\b", "", text).strip(" ,;:-–—|")
    text = regex.sub(r"\s*[-–—]\s*$|^\s*[-–—]\s*", "", text).strip(" ,;:")
    return " ".join(text.split())  # whole: the callers drop a role too long to be one, never cut it mid-phrase


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


def role_of(text: str, start: int, end: int) -> str:
    """The title before a name in running text and the apposition after it, joined ("Thứ trưởng Bộ X")."""
    before = _role_before(text[:start])
    before = before if TITLE_HEAD.match(before) or regex.match(TITLE_WORD, before) else ""
    return "; ".join(r for r in (before, _role_after(text[end:])) if r)


# ------------------------------------------------------------------------------------------------------ steps

@dataclass(frozen=True)
class SpeakerSpan:
    """The words of one cue, three ways: as written (full names and their appositions), without the leading
    connectives and trailing auxiliaries (core: short names, pronouns, NER), and core's last clause (clause:
    "Tuy nhiên, các chuyên gia" -> "các chuyên gia", for titles, organisations and cited sources)."""
    full: str
    core: str
    clause: str
    use_ner: bool = True
    named: str = ""  # the name before the appositions that end the span, when they do
    apposition: str = ""

    @classmethod
    def of(cls, span: str, use_ner: bool = True) -> SpeakerSpan:
        full = " ".join(span.replace("|", " ").split()).strip(" ,;:")
        slot, named, apposition = speaker_slot(full)
        core = TRAILING_AUX.sub("", CONNECTIVES.sub("", slot)).strip(" ,;:-–—")
        core = regex.sub(r"\s*\([^()]*\)$", "", core) or core  # "luật sư Mỹ Hà (Văn phòng X)": an apposition
        return cls(slot, core, _last_clause(core).strip(" -–—"), use_ner, named, apposition)


def is_speech_span(span: SpeakerSpan) -> bool:
    """The guard: some words, not a whole clause, and no modal or passive right before the verb."""
    return bool(span.full) and len(span.full.split()) <= MAX_SPAN_WORDS and \
        (not NOT_SPEECH_BEFORE.search(span.full) or bool(NAME_LIKE_MODAL.search(span.full)))


def _apposition_role(span: SpeakerSpan, name: str, end: int) -> str:
    """The role after the name: the whole apposition when the slot is the name and its role segments
    ("Trưởng phòng Quản lý khách sạn, Sở Du lịch"), else the words after it up to the next comma."""
    if span.named and span.named.endswith(name):
        role = _clean_role(span.apposition)
        if len(role.split()) <= 20:
            return role
    return _role_after(span.full[end:])


def by_full_name(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """The full name nearest the cue, with the title before it and the apposition after it."""
    # a name in brackets is an affiliation ("luật sư Mỹ Hà (Văn phòng Luật sư Hà Đăng)"), not the speaker
    names = [n for n in person_names(span.full) if span.full[:n[0]].count("(") <= span.full[:n[0]].count(")")]
    # "luật sư Hoàng Văn Dũng thuộc Văn phòng luật sư Phạm Hồng Hải": a name that ends an office's name is not the speaker
    names = [n for n in names if not NAMED_AFTER.search(span.full[:n[0]])] or names[:1] if len(names) > 1 else names
    if not names:
        return None
    # round 6: the slot's own name before its appositions, not one named inside them ("luật sư A, Trưởng văn
    # phòng phía Nam của luật sư B, cho biết": A)
    names = [n for n in names if span.named and span.named.endswith(n[2])] or names
    start, end, name = names[-1]
    if UNNAMED_HEAD.match(span.clause) and regex.search(r"(?<!\p{L})(?:của|thuộc|tại|ở)(?!\p{L})",
                                                        span.full[:start]):
        return None  # "các bác sĩ của Bệnh viện Từ Dũ": a name inside the description of unnamed speakers
    gender = gender_of(name, honorific_before(span.full[:start]))
    ctx.mention(name, gender)
    role = "; ".join(r for r in (_role_before(span.full[:start]), _apposition_role(span, name, end)) if r)
    known = ctx.by_short_name(name.split()[-1])
    return Speaker(name, "person", role, "name", gender or (known[1] if known else None))


def by_initial_name(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """Round 19 (I): a foreign name with its given name's initial ("G.Ferrara - cố vấn của ông Berlusconi -", "Tổng
    thống Venezuela H.Chavez") opening or ending the span is the speaker, not a name inside its apposition."""
    found = [n for n in foreign_names(span.core) if INITIAL_NAME.fullmatch(n[2])]
    if not found:
        return None
    start, end, name = found[0] if found[0][0] == 0 else found[-1]
    if start and end < len(span.core.rstrip(" ,;:-–—")):
        return None
    # (mend) "bà E.Martani" after (or before) "Endang Martani": the full form the article gives, as by_short_name finds it
    known = ctx.by_short_name(name.split(".", 1)[1])
    known = known if known and known[0].startswith(name[0]) and " " in known[0] else None
    full = ctx.full_form(name) if not known else None
    name, gender = known if known else (full[0], None) if full and full[1] == "person" else (name, None)
    ctx.mention(name, gender)
    role = _clean_role(span.core[end:] if start == 0 else span.core[:start])
    return Speaker(name, "person", role if len(role.split()) <= 20 else "", "initial_name", gender)


def by_short_name(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """"bà An", "ông Sơn" (also "ông Nguyễn Sơn" with an unlisted surname): the full name met before; else a
    two-word name the surname list does not know ("ông Okuda Hiroshi"); else the short name unresolved."""
    short = SHORT_NAME.search(span.core)
    initial = HONORIFIC_INITIAL.search(span.core) if not short else None
    if initial:  # round 9: "Chị T. (Q.Phú Nhuận, TP.HCM) nói": a person the article names by an initial
        return Speaker(initial.group(2), "person", "", "initial", gender_of(initial.group(2), initial.group(1)))
    if not short:
        return None
    honorific, first, second = short.group(1), short.group(2), short.group(3)
    if " ".join(filter(None, (first, second))) in (*COUNTRIES, *PLACES):
        return None  # "các bác sĩ Pháp", "Hiệp hội Bác sĩ Hoa Kỳ": a country, not a name
    found = ctx.by_short_name(second or first)
    role = _role_before(span.core[:short.start()])
    if not regex.fullmatch(HONORIFIC, honorific):  # "Tiến sĩ Laing": the title is his role
        role = f"{role} {honorific}".strip()
    if found and (second is None or found[0].endswith(f"{first} {second}")):
        return Speaker(found[0], "person", role, "short_name", gender_of(found[0], honorific) or found[1])
    full = ctx.full_form(first) if second is None else None
    if full and full[1] == "person":  # "ông Salzman" after "Anthony Salzman", a name no surname list knows
        ctx.mention(full[0], gender_of(full[0], honorific))
        return Speaker(full[0], "person", role, "full_form", gender_of(full[0], honorific))
    if second:
        name = f"{first} {second}"
        ctx.mention(name, gender_of(name, honorific))
        return Speaker(name, "person", role, "honorific_name", gender_of(name, honorific))
    return Speaker(first, "person", role, "short_name_unresolved", gender_of(first, honorific))


def by_honorific_name(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """"ông Ichikawa, chuyên gia của JICA", "Ông Bob Bird, Phó chủ tịch Nokia": a name after ông/bà anywhere in
    the span (foreign names too), with its apposition; a one-word name resolves to a fuller one met before."""
    names = honorific_names(span.full)
    if not names:
        return None
    start, end, name = names[-1]
    honorific = honorific_before(span.full[:start].rstrip())
    found = ctx.by_short_name(name) if len(name.split()) == 1 else None
    if found:
        name, gender = found[0], gender_of(found[0], honorific) or found[1]
    else:
        gender = gender_of(name, honorific)
        if len(name.split()) > 1:
            ctx.mention(name, gender)
    role = "; ".join(r for r in (_role_before(span.full[:start]), _apposition_role(span, name, end)) if r)
    return Speaker(name, "person", role, "honorific_name" if found is None else "short_name", gender)


def by_apposition(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """A name the patterns do not know, followed by its apposition ("Nikki Hemming, một quan chức của X",
    "Hương, người đã ..."): a person, or an organisation when the apposition describes one ("công ty ...");
    a lone word resolves to a fuller form met before."""
    if not span.named:
        return None
    name, kind = span.named, "org" if ORG_APPOSITION.match(span.apposition) else "person"
    if len(name.split()) == 1:
        found = ctx.by_short_name(name) if kind == "person" else None
        full = ctx.full_form(name)
        if found:
            name = found[0]
        elif full:
            name, kind = full
    elif kind == "person":
        ctx.mention(name, None)
    role = "" if kind == "org" else _clean_role(span.apposition)
    return Speaker(name, kind, role if len(role.split()) <= 20 else "", "apposition")


def as_unnamed(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """"Đại diện SJC", "Một chuyên gia của trường X", "Có ý kiến": described, not named (before NER and
    organisations, which would take the body named in the description for the speaker)."""
    head = UNNAMED_HEAD.match(span.clause)
    if head and head.group("bare") and any(n[1] == len(span.clause) for n in foreign_names(span.clause)):
        return None  # round 15: "Quan chức Bộ Y tế Thổ Nhĩ Kỳ Juan Lubroth": the official is named
    return Speaker(span.clause, "other", "", "other") if head else None


# round 17 (D): a person's trade or title with a demonstrative ("Tay vợt này", "Nhà cầm quân này", "vị chuyên gia này")
PERSON_NOUNS = ("tay vợt", "tay đua", "cầu thủ", "tiền đạo", "tiền vệ", "hậu vệ", "thủ môn", "thủ thành", "HLV",
                "huấn luyện viên", "nhà cầm quân", "chiến lược gia", "chuyên gia", "nhà khoa học", "nhà nghiên cứu",
                "giáo sư", "tiến sĩ", "bác sĩ", "nghệ sĩ", "ca sĩ", "diễn viên", "đạo diễn", "nhà văn", "nhà thơ",
                "nhạc sĩ", "họa sĩ", "võ sĩ", "vận động viên", "VĐV", "doanh nhân", "tỷ phú", "quan chức",
                "nhà ngoại giao", "chính khách", "bị cáo", "bị can", "nghi phạm", "ngôi sao", "người mẫu")
DEMONSTRATIVE = regex.compile(rf"^(?:vị\s+)?(?P<female>nữ\s+)?(?i:{'|'.join(sorted(PERSON_NOUNS, key=len, reverse=True))})"
                              r"(?:\s+(?:trẻ|trưởng|kỳ cựu|lão luyện|người \p{Lu}[\p{L} ]{1,20}?))?\s+(?:này|ấy)$")


def by_demonstrative(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """"Tay vợt này thừa nhận": the last person the article has named (a demonstrative points back to the one just
    spoken of, not to whoever spoke last); NOBODY if it has named none."""
    m = DEMONSTRATIVE.match(span.core)
    if not m:
        return None
    gender = "f" if m.group("female") else None
    for name, g in reversed(ctx.mentions):
        # a country or place read as a name ("Hà Lan", "Đào Nha" of "Bồ Đào Nha") is no one to point back to
        if any(c == name or c.endswith(f" {name}") for c in (*COUNTRIES, *PLACES)):
            continue
        if gender is None or g in (None, gender):
            return Speaker(name, "person", "", "demonstrative", g)
    return NOBODY


def by_pronoun(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """"ông", "bà ấy", "vị này": the last speaker of that gender; NOBODY if the article has named none."""
    if not PRONOUN.match(span.core):
        return None
    h = regex.match(HONORIFIC, span.core)
    gender = gender_of("", h.group()) if h else None
    antecedent = _named_before_pronoun(span, ctx, gender)
    if antecedent:
        return antecedent
    sp = ctx.last_speaker(gender)
    return NOBODY if sp is None else Speaker(sp.name, "person", sp.role, "pronoun", sp.gender)


def _named_before_pronoun(span: SpeakerSpan, ctx: ArticleContext, gender: str | None) -> Speaker | None:
    """Round 6: a person named earlier in the pronoun's own sentence ("khi trao đổi với Tấn Tài tối qua, anh lại cho
    biết") is its antecedent, before whoever spoke last: a full name, or two or more capitalised words that end a
    full name met before (never one word, which may be capitalised only as the sentence's first)."""
    # the sentence as read up to the cue (ctx.text), cut before the pronoun
    sentence = regex.split(r"(?<=[.!?…])\s+|\n", ctx.text)[-1]
    at = [m.start() for m in regex.finditer(rf"(?<!\p{{L}}){regex.escape(span.core)}(?!\p{{L}})", sentence)]
    head = sentence[:at[-1]] if at else ""
    found = [n[2] for n in sorted(person_names(head) + honorific_names(head))]
    for run in CAP_RUN.finditer(head):
        if len(run.group().split()) > 1:
            known = ctx.by_short_name(run.group().split()[-1])
            if known and known[0].endswith(run.group()):
                found.append(known[0])
    for name in reversed(found):
        g = gender_of(name) or next((g for n, g in ctx.mentions if n == name and g), None)
        if gender is None or g in (None, gender):
            return Speaker(name, "person", "", "pronoun_in_sentence", g)
    return None


def by_ner(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """A person (two words or more) or a mostly capitalised organisation that underthesea's tagger finds."""
    if not span.use_ner or not regex.search(r"\p{Lu}", span.core):
        return None
    ents = ner_entities(span.core)
    # a country is no person ("Ai Cập"), nor part of one ("Tổng thống Mỹ Bush": Bush)
    # nor an acronym, which is the body before a name ("Chủ tịch SSA Gordon"); nor a name in brackets, an address
    # or an affiliation ("Trường X (cơ sở: 2 Bis Phan Xích Long, ...)")
    outside = span.core
    while regex.search(r"\([^()]*\)", outside):  # brackets nest: "(cơ sở: 91 Chùa Láng, ĐT: (04) 8344291)"
        outside = regex.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), outside)
    persons = [regex.sub(rf"^(?:{'|'.join(COUNTRIES)})\s+", "", t) for k, t in ents if k == "PER" and t in outside]
    unprefixed = [regex.sub(r"^(?:[\p{Lu}\d&\-]{2,}\s+)+", "", t) for t in persons]
    # round 6: "ĐH Leicester John Dumbrell": after a body's acronym, the first word of a longer run is the body's name
    unprefixed = [" ".join(u.split()[1:]) if u != t and len(u.split()) > 2 else u for t, u in zip(persons, unprefixed)]
    # what follows the acronym is Vietnamese words and no full name (person_names finds those): a place or a
    # body's name ("KKT Vân Phong"), not a person
    persons = [u for t, u in zip(persons, unprefixed)
               if u == t or not all(VN_SYLLABLE.fullmatch(w) for w in u.split())]
    persons = [t for t in persons if len(t.split()) >= 2 and not ACRONYM.match(t) and t not in COUNTRIES
               and t not in PLACES and not _after_place_word(t, span.core)]
    if persons and not ORG_TAIL.match(span.clause):  # "Trường ĐH DL Hùng Vương": a name inside the body's name
        name = _unglued(persons[-1], span.core, ctx)
        ctx.mention(name, None)
        return Speaker(name, "person", _clean_role(span.core.replace(name, " ")),
                       "ner" if name == persons[-1] else "ner+unglued")
    orgs = [t for k, t in ents if k == "ORG" and sum(w[:1].isupper() for w in t.split()) * 2 >= len(t.split())
            and len(t.split()) <= 12  # longer: a run of names, not one organisation (never cut mid-name)
            and t.lower() not in GENERIC_SPEAKERS]  # round 8: a head the tagger cut out ("Bộ") is left to by_organisation
    return Speaker(" ".join(orgs[-1].split()), "org", "", "ner") if orgs else None


def _unglued(name: str, core: str, ctx: ArticleContext) -> str:
    """Round 13: the person of a tagged name of three words or more that a body's or a place's name is glued to,
    after words of a title or a description ("Phó chủ tịch Fed Roger Ferguson", "vụ Beslan Alexander Torshin",
    "WB Đông Á - Thái Bình Dương Jemal-ud-din Kassum"): a place the gazetteer knows is cut off; a first word that
    is no Vietnamese surname is cut off when the article uses it on its own elsewhere ("Barcelona quảng bá"), as a
    body's name is and a given name is not."""
    words, at = name.split(), core.rfind(name)
    if len(words) < 3 or at <= 0 or not core[:at].strip():
        return name
    placed = strip_place(name, core[:at])
    if placed != name:
        return placed if len(placed.split()) >= 2 else name
    if words[0] in SURNAMES or all(VN_SYLLABLE.fullmatch(w) for w in words):
        return name
    article = " ".join([ctx.text, *ctx.following])
    alone = regex.search(rf"(?<![\p{{L}}\d\-]){regex.escape(words[0])}(?![\p{{L}}\d\-])(?!\s+{regex.escape(words[1])})",
                         article)
    return " ".join(words[1:]) if alone else name


def by_titled_foreign_name(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """Round 6: a title, then a foreign name that ends the clause ("Thủ tướng tạm quyền Mykola Azarov"), when the
    tagger missed it: that person, the title their role."""
    names = [n for n in foreign_names(span.clause) if n[1] == len(span.clause)]
    if not names:
        return None
    before = span.clause[:names[-1][0]].strip()
    if not (TITLE_HEAD.match(before) or regex.match(TITLE_WORD, before)) or regex.search(r"[,;:]", before):
        return None
    ctx.mention(names[-1][2], None)
    return Speaker(names[-1][2], "person", _clean_role(before), "titled_foreign")


def _after_place_word(name: str, text: str) -> bool:
    """"đường Xô Viết Nghệ Tĩnh", "trường Phan Đình Phùng": a street or a school, not a person."""
    at = text.find(name)
    return at > 0 and bool(AFTER_PLACE_CUE.search(text[max(0, at - 40):at]))


# two to four lower-case words, no pronoun or determiner among them ("thày tu", "cố vấn chính trị")
DESCRIPTOR = regex.compile(r"(?!(?:một|các|những|nhiều|mọi|người ta|ông|bà|anh|chị|họ)(?!\p{L}))\p{Ll}+(?:\s+\p{Ll}+){1,3}")
COUNTRY_AFTER_TITLE = regex.compile(rf"^\p{{Lu}}\p{{Ll}}*(?:\s+\p{{L}}+){{1,3}}?\s+(?P<country>{'|'.join(COUNTRIES)})$")


def by_title_alone(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """A title alone, as news refers back to a person introduced with it ("Thứ trưởng cho rằng", "Theo bộ
    trưởng", "vị Phó chủ tịch này nói"): the person most recently given a role that begins with it."""
    m = ROLE_REFERENCE.fullmatch(span.clause)
    if not m and DESCRIPTOR.fullmatch(span.clause) and span.clause.lower() not in SHARED_ROLES:
        # round 8: '“...”, thày tu nói.' after "Shuaib-Ud Din, thày tu của giáo đường ...": a lower-case role that
        # no title list knows refers back to the person last given it (nobody when no one was)
        return ctx.holder_of(span.clause)
    abroad = COUNTRY_AFTER_TITLE.search(span.clause) if not m else None
    if abroad and abroad.group("country") not in ("Việt Nam", "VN"):
        # round 6: "Thủ tướng Thổ Nhĩ Kỳ nêu rõ", "Thứ trưởng Ngoại giao Iraq nói": a title and a foreign country
        # refer back to the foreigner last given that title (never to a Vietnamese name)
        head = TITLE_HEAD.match(span.clause)
        holder = ctx.holder_of(head.group()) if head else None
        return holder if holder is not None and not person_names(holder.name) else None
    if not m or m.group("title").lower() in SHARED_ROLES:
        return None
    holder = ctx.holder_of(m.group("title"))
    if holder is None and TITLE_ALONE.fullmatch(span.clause):
        return None
    return holder


def by_title_and_short_name(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """"Thứ trưởng Võ" after "Thứ trưởng Võ Kim Cự"."""
    titled = TITLE_AND_SHORT.fullmatch(span.clause)
    found = ctx.by_short_name(titled.group("short")) if titled else None
    if found is None and titled and (TITLE_HEAD.match(titled.group("title")) or regex.match(TITLE_WORD, titled.group("title"))) \
            and titled.group("short") not in (*COUNTRIES, *PLACES):
        # round 6: a person's title and one name the article has not given in full yet ("Bộ trưởng Chertoff nói",
        # "Giám đốc kỹ thuật Calisto giải thích"): that person, by the short name (resolve_later may expand it)
        return Speaker(titled.group("short"), "person", titled.group("title"), "short_name_unresolved")
    return None if found is None else Speaker(found[0], "person", titled.group("title"), "short_name", found[1])


def by_organisation(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """A capitalised organisation at the end of the clause ("Bộ Khoa học và Công nghệ"), with a short title."""
    org = ORG_TAIL.search(span.clause)
    if not org or not regex.match(r"\p{Lu}", org.group()) or len(org.group().split()) > 12:
        return None
    if org.group().startswith("Cơ quan") and (not CAPITALISED_WORD.search(org.group()) or
                                               ORG_CLAUSE_WORD.search(org.group())):
        # round 8: "Cơ quan an ninh": a kind of agency ("... đề nghị phía Vietsovpetro": and a clause after it);
        # "Cơ quan Cảnh sát điều tra Công an TP HCM" names one
        return None
    # (a given name of its own: not "Bản Jetro" left of "Nhật Bản Jetro")
    holder = [n for n in foreign_names(span.clause) if n[1] == len(span.clause) and n[0] > org.start()
              and not VN_SYLLABLE.fullmatch(n[2].split()[0])]
    if holder:  # round 6: "Chủ tịch Uỷ ban ... thành phố Matxcơva Yuri Popov": the body's head, a person, speaks
        ctx.mention(holder[0][2], None)
        return Speaker(holder[0][2], "person", _clean_role(span.clause[:holder[0][0]]), "member")
    member = MEMBER_NAME.search(span.clause[:org.start()])
    if member and member.group("name") not in (*PLACES, *COUNTRIES):  # "Tiến sĩ Julian Whitaker thuộc Viện X"
        ctx.mention(member.group("name"), None)
        return Speaker(member.group("name"), "person", _clean_role(span.clause[:member.start("name")]), "member")
    role = _clean_role(span.clause[:org.start()])
    name = regex.split(r"\s+(?:trực thuộc|thuộc)\s+", org.group())[0]  # "Hiệp hội X thuộc LHQ": the parent is no part of it
    name = ORG_PREDICATE.sub("", name)  # round 20 (O): "Công an Quảng Nam đã khởi tố vụ án ... đề nghị"
    if name.lower() in GENERIC_SPEAKERS:
        return Speaker(name, "other", "", "generic")  # "Bộ cũng đã soạn thảo văn bản": no body named
    return Speaker(" ".join(name.split()), "org", role if len(role.split()) <= 4 else "", "org")


CAPITALISED_WORD = regex.compile(r"\s\p{Lu}")
# an auxiliary or a time after an organisation's name begins its predicate; no name holds one ("Bộ Quốc phòng Hàn
# Quốc lần đầu tiên ra tuyên bố", "Liên minh dân chủ nhân dân sáng cùng ngày tuyên bố")
ORG_PREDICATE = regex.compile(r"\s+(?:đã|đều|chưa|cũng|vừa|đang|sẽ|lần đầu|(?:hồi|sáng|trưa|chiều|tối)\s+(?:qua|nay|cùng|hôm|tháng|"
                              r"ngày|\d))(?!\p{L}).*$")
# a directive or a preposition inside an organisation's "name" makes it a clause ("Cơ quan an ninh đề nghị phía X")
ORG_CLAUSE_WORD = regex.compile(r"(?<!\p{L})(?:đề nghị|yêu cầu|kiến nghị|đề xuất|chỉ đạo|cho|với|của|gửi|và|phía(?!\s+(?:Nam|Bắc|Đông|Tây)))(?!\p{L})")


def by_described_organisation(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """"hãng nghiên cứu thị trường Gartner Dataquest", "tờ Financial Times": an organisation's noun and its
    description, then the name, which is the speaker (the description its role)."""
    m = DESCRIBED_ORG.fullmatch(span.clause)
    if not m or m.group("name").lower() in GENERIC_SPEAKERS or person_names(m.group("name")):
        return None
    if m.group("name") in PLACES or m.group("name") in COUNTRIES or PLACE_TAIL.search(m.group("description")):
        return None  # "Đài khí tượng thủy văn khu vực Nam Bộ": the place ends the body's own name
    if ORG_CLAUSE_WORD.search(m.group("description")):
        return None  # "Cơ quan an ninh đề nghị phía VSP": the name is an object, the description a clause
    return Speaker(m.group("name"), "org", m.group("description"), "described_org")


def by_generic_body(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """"cơ quan điều tra đề nghị", "bộ phận kỹ thuật thông báo": a body named generically (rule C1)."""
    body = GENERIC_BODY.search(span.clause)
    if body and MEMBER_OF.search(span.clause[:body.start()]):
        return Speaker(span.clause, "other", "", "other")  # "thành viên trong đoàn công tác": a person, unnamed
    if body and regex.search(r"(?<!\p{L})của\s*$", span.clause[:body.start()]):
        return Speaker(span.clause, "other", "", "other")  # round 9: "Các văn bản hướng dẫn của chính phủ Italy": its document
    return Speaker(body.group(), "org", "", "generic_body") if body else None


def as_cited_source(span: SpeakerSpan, ctx: ArticleContext) -> Speaker | None:
    """A document, a law, "nhiều chuyên gia": cited, not named (a few words, not a clause, not a pronoun)."""
    c = span.clause
    # "Vì Microsoft dự đoán": a subordinate clause's first word is no part of a name
    if PROPER_NAME.fullmatch(c) and c.lower() not in GENERIC_SPEAKERS and not OTHER_REJECT.match(c) \
            and not STARTS_CLAUSE.match(c) \
            and not c.endswith(("...", "…")) and not _forced_capital(c, span, ctx):
        found = ctx.by_short_name(c) if len(c.split()) == 1 else None  # "Wiseman nhận định" after "Richard Wiseman"
        if found:
            return Speaker(found[0], "person", "", "short_name", found[1])
        full = ctx.full_form(c) if len(c.split()) == 1 else None
        if full:
            return Speaker(full[0], full[1], "", "full_form")
        if regex.fullmatch(r"(?:\p{Lu}\.){1,2}", c):
            return Speaker(c, "person", "", "initial")  # round 6: "Theo lời H.": a person the article names by an initial
        if regex.fullmatch(r"\p{Lu}\p{Ll}+", c) and VN_SYLLABLE.fullmatch(c) and c not in COUNTRIES and c not in PLACES:
            # one Vietnamese syllable, capitalised, speaking: a given name ("Long thuyết phục", "Oanh nói"); an
            # organisation is an acronym or several words ("Bộ" alone is generic, above)
            return Speaker(c, "person", "", "given_name")
        return Speaker(c, "org", "", "name_org")
    if (0 < len(c.split()) <= 6 and not OTHER_REJECT.match(c) and not STARTS_CLAUSE.match(c)
            and CITED_SOURCE.match(c)):
        return Speaker(c, "other", "", "other")
    return None


def _forced_capital(word: str, span: SpeakerSpan, ctx: ArticleContext) -> bool:
    """A single word that opens the sentence is capitalised by position, not as a name ("Họ cho biết"): it
    counts as a name only if the article also writes it capitalised inside a sentence ("... của Google")."""
    if " " in word or not span.full.startswith(word) or not VN_SYLLABLE.fullmatch(word):
        return False  # several words, not sentence-initial, or not a Vietnamese syllable ("Google", "GfK")
    # on one line: a paragraph's first word after a headline with no full stop is sentence-initial too
    return not regex.search(rf"[\p{{L}}\d,;:)][ \t]+{regex.escape(word)}(?!\p{{L}})", ctx.text)


STEPS: tuple[Callable[[SpeakerSpan, ArticleContext], Speaker | None], ...] = (
    by_full_name, by_initial_name, by_short_name, by_honorific_name, by_apposition, by_demonstrative, by_pronoun, as_unnamed, by_generic_body, by_described_organisation, by_ner,
    by_titled_foreign_name, by_title_alone, by_title_and_short_name, by_organisation, as_cited_source)


def parse_speaker(span: str, ctx: ArticleContext, use_ner: bool = True) -> Speaker | None:
    """The speaker named in the words around a speech cue, or None when the span names nobody; a name the
    patterns do not know, set off by an apposition between dashes ("Giáo sư D.Nieman - người tiến hành cuộc
    nghiên cứu -"), is read as if the apposition stood between commas."""
    affiliated = _before_affiliation(span)
    if affiliated:
        # round 9: "Nhà nghiên cứu Michael Kasumovic tại Đại học Toronto, Canada", "giáo sư Mark Peakman, từ
        # trường y Guy's, King's St Thomas's": the person before the body and place they belong to speaks
        found = _parse_speaker(affiliated[0], ctx, use_ner)
        if found is not None and found.kind == "person":
            return found
        if is_speech_span(SpeakerSpan.of(affiliated[0], use_ner)):  # a name no step knows ("Nhà nghiên cứu X")
            ctx.mention(affiliated[1], None)
            return Speaker(affiliated[1], "person", _clean_role(affiliated[0][:-len(affiliated[1])]), "affiliated")
    found = _parse_speaker(span, ctx, use_ner)
    placed = _before_place_tail(span) if found is not None and found.name in (*COUNTRIES, *PLACES) else None
    if placed:
        # round 9: "ĐH Kỹ thuật Milan (Politecnico di Milano), thành phố Milan, Ý thông báo", "Tạp chí The Economist
        # của Anh cũng cho rằng": the body before the city and country it is in speaks, not the country
        before = _parse_speaker(placed, ctx, use_ner)
        if before is not None and before.name not in (*COUNTRIES, *PLACES):
            return before  # (a body the steps cannot name is an unnamed source, never the country after it)
    if found is None or found.kind == "other":
        found = _without_manner_tail(span, ctx, use_ner) or found
    if found is None or found.kind == "other":
        manner = PRONOUN_MANNER.fullmatch(_last_clause(" ".join(span.split())).strip(" ,;:"))
        if manner and not NOT_MANNER.search(manner.group("tail")):
            # round 8: "Chị xúc động nói:", "Ông trầm ngâm kể": the pronoun, then how it spoke
            found = _parse_speaker(manner.group("who"), ctx, use_ner) or found
    dashed = DASH_APPOSITION.match(_last_clause(" ".join(span.split())).strip())  # "Mặt e thẹn, Hồng - ... -"
    if (found is None or found.kind == "other") and dashed:  # "Hồng - cũng lớp phục vụ - cho biết"
        return _parse_speaker(f"{dashed.group('head')}, {dashed.group('apposition')}", ctx, use_ner) or found
    return found


# "Ollila tự tin nói", "HLV Santini buồn rầu nói", "LHQ đặc biệt nhấn mạnh", "Xinhuanet 23-12-2005 trước đó cho
# biết": a name, then how or when it spoke (lower-case words or a date) right before the verb
NOT_MANNER = regex.compile(r"(?<!\p{L})(?:không|chưa|chẳng|bị|được|muốn|cần|phải|sẽ|có thể|tiếp tục|của|là|và)(?!\p{L})|,")
MANNER_TAIL = regex.compile(r"(?<=\p{Lu}[\p{L}\d.\-]*)(?:\s+(?:\p{Ll}+|\d[\d./-]*)){1,3}\s*$")


# a person's name, then where they work or come from up to the verb: a preposition and at most two commas more
AFFILIATION_AFTER = regex.compile(r"^\s*,?\s*(?:tại|từ|thuộc|ở|của)\s+(?:\p{Ll}+\s+){0,3}\p{Lu}[^,;:.!?“”\"]*(?:,[^,;:.!?“”\"]+){0,2}$")


# a place said after a body: a country or a listed place, or an administrative unit and its name ("thành phố Milan")
PLACE_SEGMENT = regex.compile(r"(?:(?:thành phố|tỉnh|bang|thủ đô|TP\.?)\s+)?\p{Lu}[\p{L}\-]*(?:\s+\p{Lu}[\p{L}\-]*){0,2}")
OF_COUNTRY = regex.compile(rf"\s+của\s+(?:{'|'.join(COUNTRIES)})$")


def _before_place_tail(span: str) -> str | None:
    """The span without the places that end it (", thành phố Milan, Ý", " của Anh") when a capitalised body's
    name comes before them, or None."""
    span = TRAILING_AUX.sub("", " ".join(span.split()).rstrip(" ,;:")).rstrip(" ,;:")
    cut = OF_COUNTRY.search(span)
    if cut:
        head = span[:cut.start()]
    else:
        segs = span.split(",")
        k = len(segs)
        while k > 1 and PLACE_SEGMENT.fullmatch(segs[k - 1].strip()) and (
                segs[k - 1].strip() in COUNTRIES or segs[k - 1].strip() in PLACES or
                regex.match(r"(?:thành phố|tỉnh|bang|thủ đô|TP)", segs[k - 1].strip())):
            k -= 1
        if k == len(segs):
            return None
        head = ",".join(segs[:k])
    head = head.rstrip(" ,")
    return head if ORG_TAIL.search(_last_clause(head)) or regex.search(r"\p{Lu}[\p{L}\-]*(?:\s+\p{Lu}[\p{L}\-]*)+", head) else None


def _before_affiliation(span: str) -> tuple[str, str] | None:
    """(the span cut after the first person's name that an affiliation follows to its end, that name), or None."""
    span = " ".join(span.split()).rstrip(" ,;:")
    span = TRAILING_AUX.sub("", span).rstrip(" ,;:")
    names = sorted(person_names(span) + honorific_names(span) + foreign_names(span))
    for _, end, name in names:
        tail = span[end:]
        if AFFILIATION_AFTER.match(tail) and len(tail.split()) <= 15:
            return span[:end], name
    return None


def _without_manner_tail(span: str, ctx: ArticleContext, use_ner: bool) -> Speaker | None:
    """The span read again without the manner or time words that end it, kept only if that names a person or an
    organisation (round 5: the words between a capitalised name and its verb made it an unnamed "other")."""
    head = " ".join(span.split()).rstrip(" ,;:")
    tail = MANNER_TAIL.search(head)
    if not tail or NOT_MANNER.search(tail.group()):
        return None
    head = head[:tail.start()]
    last = head.split()[-1]
    # a Vietnamese syllable before lower-case words is likelier a compound's first half ("Nghị định", "TAND Tối
    # cao", "Người đời") than a name, unless a full name ends there ("Nguyễn Văn An vui vẻ nói")
    if VN_SYLLABLE.fullmatch(last) and not any(e == len(head) for _, e, _ in person_names(head)):
        return None
    found = _parse_speaker(head, ctx, use_ner)
    return found if found is not None and found.kind in ("person", "org") else None


# a pronoun and one to three lower-case words of manner, not a kin word or a trade that makes a noun of it ("Anh
# trai", "Bà con", "Ông chủ", "Chị em")
PRONOUN_MANNER = regex.compile(r"(?P<who>[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị)\s+(?P<tail>(?!(?:bà|con|em|chị|anh|ông|cả|ta|ấy|này|"
                               r"trai|gái|mẹ|bố|chủ|cụ|chàng|già|nội|ngoại|hai|ba|út|cháu|họ|nào|kia|xã|lão)(?!\p{L}))"
                               r"\p{Ll}+(?:\s+\p{Ll}+){0,2})")
DASH_APPOSITION = regex.compile(r"^(?P<head>[^,–—-]+?)\s[-–—]\s(?P<apposition>\p{Ll}[^,–—-]*?)\s*[-–—]?\s*$")


def _parse_speaker(span: str, ctx: ArticleContext, use_ner: bool = True) -> Speaker | None:
    words = SpeakerSpan.of(THROUGH_DOCUMENT.sub("", span) or span, use_ner)
    if not is_speech_span(words):
        return None
    for step in STEPS:
        found = step(words, ctx)
        if found is not None:
            if found is NOBODY:
                return None
            if found.kind in ("person", "org") and found.name.lower() in GENERIC_SPEAKERS:
                return Speaker(found.name, "other", found.role, "generic")  # "Bộ", "Ban tổ chức": nobody named
            return found
    return None
