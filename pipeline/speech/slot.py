"""The speaker's slot: which words before a speech verb can name the speaker ("..., Nikki Hemming, một quan chức
của X, tuyên bố": the name before its appositions, never the content or an adverbial before it), and the patterns
that tell a name in it from a role, a body, a place or a description."""
from __future__ import annotations

import regex

from pipeline.speech.names import AFTER_PLACE_CUE, COUNTRIES, HONORIFIC, PLACES, honorific_names, person_names

# connectives, adverbials and a place that open the clause before the speaker ("Tuy nhiên, ông A cho biết")
CONNECTIVES = regex.compile(
    r"^(?:(?:Còn|Cũng|Nhưng|Song|Tuy nhiên|Trong khi đó|Ngoài ra|Bên cạnh đó|Đồng thời|Theo đó|Thêm vào đó|Mặt khác|"
    r"Về (?:vấn đề|việc|phía|nội dung) này|Về phần mình|[Hh]iện nay|Được biết|Chia sẻ thêm|Trao đổi với (?:PV|phóng viên)[^,]*|Tại [^,]{1,60}"
    r"|Trước đó|Sau đó|Cùng quan điểm|Đánh giá về [^,]{1,60}|Nói về [^,]{1,60})\s*,?\s*)+")
# a professional title written out, also before a foreign surname ("Tiến sỹ Blumenthal", "HLV Riedl")
TITLE_WORD = (r"(?:[Tt]iến s[ĩỹ]|[Gg]iáo sư|[Pp]hó giáo sư|[Bb]ác s[ĩỹ]|[Tt]hạc s[ĩỹ]|[Ll]uật sư|[Kk]ỹ sư|[Nn]hà báo|"
              r"[Hh]uấn luyện viên|HLV|[Đđ]ại sứ|[Nn]gài|"
              r"(?:[Đđ]ại |[Tt]rung |[Tt]hiếu |[Tt]hượng )?(?:[Tt]ướng|[Tt]á)|[Đđ]ô đốc)")

# an apposition led by a title ("Giám đốc Sở X", "Phó Chủ tịch ...", "GS. ..."): a role, never the speaker itself
TITLE_HEAD = regex.compile(r"^(?:Phó|Tổng|Giám đốc|Chủ tịch|Chủ nhiệm|Bộ trưởng|Thứ trưởng|Trưởng|Chánh|Cục trưởng|"
                           r"Vụ trưởng|Viện trưởng|Hiệu trưởng|Thống đốc|Đại sứ|Người phát ngôn|Phát ngôn viên|"
                           r"Chuyên gia|Giáo sư|Tiến sĩ|Thạc sĩ|Luật sư|Bác sĩ|Kỹ sư|Nhà báo|Nguyên|Cựu|Thủ tướng|"
                           r"Tổng thống|Bí thư|Trợ lý|Cố vấn|Ủy viên|Uỷ viên|Thành viên|Đại diện|Người đứng đầu|"
                           r"Chủ doanh nghiệp|Chủ nhân|GS|PGS|TS|ThS|KS|BS|Hiệu phó|Giáo viên|Giảng viên|Nhà văn|Nghệ sĩ|"
                           r"Huấn luyện viên|HLV|Tiến sỹ|Bác sỹ)(?![\p{L}])")
# an apposition led by an organisation's noun describes a company, not a person ("Vinamilk, công ty sữa ...")
ORG_APPOSITION = regex.compile(r"^(?:công ty|hãng|tập đoàn|tổ chức|cơ quan|nhà sản xuất|ngân hàng|doanh nghiệp|"
                               r"trang web|website|tờ báo|tờ|báo|đài|nhà cung cấp|một trong những (?:công ty|hãng|"
                               r"tập đoàn|nhà sản xuất|ngân hàng|doanh nghiệp))(?!\p{L})", regex.I)
# the noun, then a lower-case description of at most six words, then the name (in quotation marks or not)
DESCRIBED_ORG = regex.compile(rf"(?P<description>(?i:{ORG_APPOSITION.pattern})(?:\s+(?:\p{{Ll}}\S*|(?:{'|'.join(COUNTRIES)})(?!\p{{L}}))){{0,6}})"
                              r"\s+[“\"]?"
                              rf"(?P<name>(?:\p{{Lu}}|\p{{Ll}}\p{{Lu}})[\p{{L}}\d&.\-]*(?:\s+[\p{{Lu}}\d][\p{{L}}\d&.\-]*){{0,4}})[”\"]?")
PLACE_TAIL = regex.compile(r"(?<!\p{L})(?:khu vực|miền|vùng|tỉnh|thành phố|quận|huyện|xã|phường|quốc gia|nước|"
                           r"tại|ở)$")
# words before a name that make it an object, not the subject: "Liên quan đến ông A", "Sau khi gặp bà B"
NOT_SUBJECT = regex.compile(r"(?<!\p{L})(?:của|với|đến|về|cho|tại|ở|từ|khi|sau|trước|gặp|theo|là|và|đối với|"
                            r"liên quan|trong|qua|bởi|do|như)(?!\p{L})", regex.I)
DESCRIBED_NAME = regex.compile(r"(?P<description>\p{Ll}+(?:\s+\p{Ll}+){0,5})\s+"
                               r"(?P<name>\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,3})")
NOT_A_PERSON_BEFORE = regex.compile(r"(?<!\p{L})(?:công ty|hãng|tập đoàn|tổ chức|cơ quan|ngân hàng|doanh nghiệp|"
                                    r"trang web|website|tờ|báo|đài|tạp chí|viện|đại học|bệnh viện|trung tâm|sản phẩm|"
                                    r"đội|câu lạc bộ|CLB|trên|dưới)(?!\p{L})", regex.I)  # round 6: "đại diện đội Giấy Bãi Bằng": a team
# a person (two to four capitalised words) said to belong to the organisation that ends the clause
MEMBER_NAME = regex.compile(r"(?:^|\p{Ll}\s+)(?P<name>\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,3})\s+(?:thuộc|của|tại|ở|từ)\s+$")
# lower-case words that end in membership of a body ("thành viên ban lãnh đạo", "người phát ngôn của"), before its name
MEMBER_OF_BODY = r"(?:\p{Ll}+\s+){0,3}?(?:thành viên|lãnh đạo|nhân viên|đại diện|phát ngôn viên|người phát ngôn)(?:\s+(?:của|tại))?"
# an affiliation: a body's head, then only capitalised words (a name the patterns may take for a person's)
AFFILIATION = regex.compile(r"^(?:Bệnh viện|Trường|Công ty|Viện|Sở|Trung tâm|Tập đoàn|Ngân hàng|Đại học|Học viện|"
                            r"Khoa|Phòng|Văn phòng|Nhà máy|Xí nghiệp)(?:\s+\p{Lu}[\p{L}\-]*)+$")
MAX_APPOSITIONS = 3  # role segments after a name; more are clauses of their own
NAME_RUN = regex.compile(r"\p{Lu}[\p{L}.\-']*(?:\s+\p{Lu}[\p{L}.\-']*){0,4}")


def _segments(text: str) -> list[str]:
    """text cut at its commas, not at those inside brackets ("Công ty A (Hà Nội, Việt Nam)")."""
    # nor inside a dash-delimited apposition ("bà A - Ủy viên Ủy ban Khoa học, Công nghệ và Môi trường - cho rằng")
    dashed = [m.span() for m in regex.finditer(r"\s[-–—]\s.+?\s[-–—](?:\s|$)", text)]
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == "," and depth == 0 and not any(s < i < e for s, e in dashed):
            out.append(text[start:i])
            start = i + 1
    return [*out, text[start:]]


def _subject_name(seg: str, strict: bool = False) -> str | None:
    """The name a segment consists of, as the subject: "ông Nguyễn Văn A", "Phó Giám đốc Sở X Lê Văn B",
    "Nikki Hemming"; None when the name follows a preposition or a verb ("Liên quan đến ông A")."""
    seg = CONNECTIVES.sub("", seg.strip(" -–—")).strip()
    names = person_names(seg) + honorific_names(seg)
    ends = [n for n in names if n[1] == len(seg.rstrip(" ."))]
    if ends:
        start, _, name = max(ends, key=lambda n: n[1] - n[0])
        before = regex.split(r"[.!?…:;”\"]", seg[:start])[-1]  # in the name's own clause
        return None if NOT_SUBJECT.search(before) else name
    bare = regex.sub(rf"^(?:{HONORIFIC}|{TITLE_WORD})\s+", "", seg)  # "Giáo sư David Blazes, chủ tịch ..."
    if strict:
        return None
    if NAME_RUN.fullmatch(bare) and not TITLE_HEAD.match(bare):
        return bare
    return _described_name(seg)


def _described_name(seg: str) -> str | None:
    """A lower-case description, then the name ("nhà phát minh thiết bị Herbert Zeman", before an apposition)."""
    described = DESCRIBED_NAME.fullmatch(seg.strip(" -–—"))
    if not described or described.group("name") in (*PLACES, *COUNTRIES):
        return None
    description = described.group("description")
    # "tổng biên tập báo Arab News", "học sinh trường Phan Đình Phùng", "viết trên tạp chí X": a body or a place
    if NOT_SUBJECT.search(description) or NOT_A_PERSON_BEFORE.search(description) or \
            AFTER_PLACE_CUE.search(description + " "):
        return None
    return described.group("name")


def _has_name(seg: str) -> bool:
    return bool(person_names(seg) or honorific_names(seg))


def _is_apposition(seg: str, before: str = "") -> bool:
    """A role or description after a name ("Giám đốc Sở X", "một quan chức của Y", "người đã ...", "29 tuổi"),
    or the rest of an address in it ("..., tại Ramsey, Indiana")."""
    seg = regex.sub(r"\s*\([^()]*\)", "", seg).strip(" -–—")  # "Memphis (Mỹ)"
    if seg[:1].islower() or TITLE_HEAD.match(seg):
        # round 6: a role whose holder's superior or family is named after "của" ("Trưởng văn phòng phía Nam của
        # luật sư Trần Vũ Hải", "vợ của ông A"): the name is the possessor, the segment still an apposition
        seg = regex.sub(r"\s+của\s+.*$", "", seg)
    if seg[:1].islower() and regex.match(rf"{MEMBER_OF_BODY}\s+\p{{Lu}}", seg):
        return True  # round 6: "thành viên ban lãnh đạo Toyota Motor": a member of the body named, not a name
    if seg and AFFILIATION.match(seg):
        return True  # round 7: "Bác sĩ A, Bệnh viện Mắt Cao Thắng, cho biết": a body named after a person
    if not seg or _has_name(seg) or _described_name(seg):
        return False
    if seg in PLACES or seg in COUNTRIES or (regex.search(r"(?<!\p{L})(?:tại|ở)\s+\p{Lu}[\p{L}\s]*$", before)
                                            and NAME_RUN.fullmatch(seg) and len(seg.split()) <= 3):
        return True
    return seg[0].islower() or bool(TITLE_HEAD.match(seg)) or bool(regex.match(r"\d+\s+tuổi(?!\p{L})", seg))


def _open_dash_as_comma(full: str) -> str:
    """"Ông Phùng Hoài Dương - Giám đốc Kinh doanh, HP Việt Nam": a dash right after a name opens its apposition,
    which no second dash closes and which may hold commas of its own; read as the comma that it stands for."""
    for _, end, _ in person_names(full) + honorific_names(full):
        dash = regex.match(r"\s[-–—]\s+(?=\S)", full[end:])
        rest = full[end + dash.end():] if dash else ""
        if dash and not regex.search(r"\s[-–—]\s", rest) and not _has_name(rest):
            return f"{full[:end]}, {rest}"
    return full


def speaker_slot(full: str) -> tuple[str, str, str]:
    """(slot, name, appositions): the words that can name the speaker before a sentence-final or mid-sentence
    verb. The slot is the last comma segment, or the name segment before the appositions that end the span
    ("..., Nikki Hemming, một quan chức của X, công ty mẹ của Y, tuyên bố"); what comes before is the
    content or an adverbial ("Liên quan đến ông A, mới đây, cơ quan điều tra cho biết"), never the speaker."""
    segs = _segments(_open_dash_as_comma(full))
    j = len(segs) - 1
    while j > 0 and _is_apposition(segs[j], segs[j - 1]):
        j -= 1
    name = _subject_name(segs[j]) if j < len(segs) - 1 else None
    if not name:
        # a person's name that the patterns know, then a role in several parts or written oddly ("Ông A,
        # Trưởng phòng Quản lý khách sạn, Sở Du lịch, cho biết"): every nameless segment after it is its role
        j = len(segs) - 1
        while j > 0 and len(segs) - 1 - j < MAX_APPOSITIONS and not _has_name(segs[j]):
            j -= 1
        name = _subject_name(segs[j], strict=True) if j < len(segs) - 1 else None
    if name:
        return ",".join(segs[j:]).strip(" ,;:"), name, ", ".join(s.strip() for s in segs[j + 1:])
    return segs[-1].strip(" ,;:"), "", ""
