"""Interview answers (coding rule R1, cue `interview`): a paragraph printed after the answerer's name ("- Ông X:
...") or, in a question-and-answer article, a dash-led paragraph after a question, spoken by the interviewee
that the article introduced ("trao đổi với ông X", "ông X trả lời phỏng vấn") or named before an earlier answer."""
from __future__ import annotations

import regex

from pipeline.speech.names import COUNTRIES, PLACES, foreign_names, honorific_names, person_names
from pipeline.speech.slot import TITLE_HEAD
from pipeline.speech.speakers import ArticleContext, Speaker, parse_speaker

# "- Ông Nguyễn Hải Hường: Tôi không ...": a name (with an honorific or a title) and a colon open the paragraph
NAMED_ANSWER = regex.compile(r"^\s*[-–—.]?\s*(?P<who>(?:(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|GS|PGS|TS|ThS)\.?\s+)?"
                             r"\p{Lu}[\p{L}.\-]*(?:\s+\p{Lu}[\p{L}.\-]*){0,4})\s*:\s*(?P<content>\S.*)$")
DASH_ANSWER = regex.compile(r"^\s*[-–—]\s*(?P<content>\S.*)$")
# the article's introduction of whom it interviews: "trao đổi với ông X", "ông X trả lời phỏng vấn báo Y"
INTERVIEW_WITH = regex.compile(r"(?<!\p{L})(?:trao đổi|trò chuyện|phỏng vấn|hỏi chuyện)\s+(?:với\s+)?(?=\p{L})")
# "ông X đã trao đổi với VnExpress": the outlet, a capitalised name, is the interviewer
GAVE_INTERVIEW = regex.compile(r"(?<!\p{L})trả lời phỏng vấn|(?:trao đổi|trò chuyện) với (?:PV|phóng viên|báo|(?-i:\p{Lu}\S*))(?!\p{L})")
# "... diễn một buổi có khi đủ ăn cả tháng. - Đã có của ăn của để, vậy ông ...?": the next question run into the answer
TRAILING_QUESTION = regex.compile(r"(?<=[.!…”\"])\s+[-–—]\s+[^-–—]+\?[\s”\")]*$")
ENDS_IN_QUESTION = regex.compile(r"\?[\s”\")]*$")


def _name_at_start(text: str) -> str | None:
    """The name that opens text, after an optional honorific ("ông Trịnh Lê Văn - Trưởng ban ...") or a title
    ("Trưởng phòng quản lý thi Sở GDĐT Hà Nội Dương Nguyên Hồng")."""
    found = [n for n in person_names(text) + honorific_names(text) if n[0] <= 4]
    if not found:  # a title, then the name: no sentence end and no comma between
        found = [n for n in person_names(text) if TITLE_HEAD.match(text.lstrip()) and not regex.search(r"[.,;:!?]", text[:n[0]])]
    return max(found, key=lambda n: n[1] - n[0])[2] if found else None


def introduced_interviewee(text: str) -> str | None:
    """The person the article said it interviews, the last such introduction in text."""
    for m in reversed(list(INTERVIEW_WITH.finditer(text))):
        name = _name_at_start(text[m.end():m.end() + 80])
        if name:
            return name
    for sentence in reversed(regex.split(r"(?<=[.!?])\s+|\n", text)):
        gave = GAVE_INTERVIEW.search(sentence)
        names = person_names(sentence[:gave.start()]) + honorific_names(sentence[:gave.start()]) if gave else []
        if names:
            return min(names)[2]  # the sentence's subject: its first name
    return None


HEADLINE_QUOTE = regex.compile(r"^(?P<who>[^:\n]{3,60}?)\s*:\s*['\"“‘]")
# round 5: the headline of a portrait interview names its subject before a colon or a dash ("Nhạc sĩ Bảo Phúc: Có
# một dòng sông ...", "Trịnh Cung - con cọp săn mồi trong đêm"), with or without a quotation after it
HEADLINE_SUBJECT = regex.compile(r"^(?P<who>[^:\n\-–—]{3,60}?)\s*(?::|\s[-–—]\s)")
HEADLINE_TITLED = regex.compile(r"(?:(?:\p{Lu}\p{Ll}*(?:\s+\p{Ll}+){1,3}|NSND|NSƯT|NS|GS|PGS|TS)\s+)?"
                                r"(?P<name>\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,2})")


def _headline_or_quoted(ctx: ArticleContext) -> Speaker | None:
    """No introduction: the person the headline quotes ("NSƯT Phạm Bằng: 'Tôi ...'"), else the person the
    article quoted before its questions began (not one named inside an answer)."""
    headline = HEADLINE_QUOTE.match(ctx.text) or HEADLINE_SUBJECT.match(ctx.text)
    names = person_names(headline.group("who")) + honorific_names(headline.group("who")) if headline else []
    if names:
        return Speaker(max(names)[2], "person", resolution="interview_headline")
    titled = HEADLINE_TITLED.fullmatch(headline.group("who")) if headline else None
    if titled and titled.group("name") not in (*PLACES, *COUNTRIES):
        # "Nhạc sĩ Bảo Phúc: ...", "Thu Hương: ...": a name the surname list does not know, alone or after a title
        return Speaker(titled.group("name"), "person", resolution="interview_headline")
    quoted = next((sp for sp in reversed(ctx.speakers[:ctx.qa_from])
                   if sp.kind == "person" and sp.resolution != "topic"), None)
    if quoted:
        return Speaker(quoted.name, "person", quoted.role, "interview_quoted")
    return _lead_subject(ctx.text)


# round 7: an artist's or a player's trade before a name the surname list may not know ("nhà thiết kế Việt Hùng",
# "Nhạc sĩ An Thuyên"): the lead of a portrait interview introduces its subject so
LEAD_TITLED = regex.compile(r"(?<!\p{L})(?:[Nn]hạc sĩ|[Cc]a sĩ|[Nn]hà thiết kế|[Dd]iễn viên|[Đđ]ạo diễn|[Nn]hà văn|[Nn]hà thơ|"
                            r"[Hh][ọo]a sĩ|[Nn]ghệ sĩ|NSƯT|NSND|[Nn]gười mẫu|[Vv]ận động viên|VĐV|[Cc]ầu thủ|[Tt]hủ môn|"
                            r"[Tt]iền đạo|[Tt]iền vệ|[Hh]ậu vệ|[Nn]hà thiết kế thời trang)\s+"
                            r"(?P<name>\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,2})(?![\p{L}\d])")


TITLE_TAIL = regex.compile(r"(?:\s+(?:Trưởng|Phó|Tổng|Giám|Chủ|Bộ|Thứ|Cục|Vụ|Viện|Đại))+$")


def _lead_subject(text: str) -> Speaker | None:
    """No one quoted before the questions: the first person the headline or lead introduces by their trade, or a
    name the headline gives and the lead repeats ("Việt Hùng và bộ sưu tập ..." then "... Việt Hùng vẫn ...")."""
    lines = text.split("\n")
    # the lead ends where the questions and answers begin: a name inside an answer is no interviewee
    qa = next((i for i, line in enumerate(lines) if DASH_ANSWER.match(line) or ENDS_IN_QUESTION.search(line)), len(lines))
    lines = lines[:min(qa, 3)]
    if not lines:
        return None
    lead = "\n".join(lines)
    titled = next((m.group("name") for m in LEAD_TITLED.finditer(lead)
                   if m.group("name") not in (*PLACES, *COUNTRIES)), None)
    if titled:
        return Speaker(titled, "person", resolution="interview_lead")
    for m in regex.finditer(r"(?<![\p{L}\d])\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,2}(?![\p{L}\d])", lines[0]):
        name = m.group()
        if name not in (*PLACES, *COUNTRIES) and regex.search(rf"(?<=\p{{Ll}}[ ,]*\s){regex.escape(name)}(?!\p{{L}})",
                                                              "\n".join(lines[1:3])):
            return Speaker(name, "person", resolution="interview_lead")
    # round 9: the headline opens with the person and says what they do ("Omar Sharif tâm sự về tình yêu ..."), or
    # the lead names one person in full ("Viện phó VKSND Tối cao Khuất Văn Nga đã đưa ra gợi ý ...")
    opening = [n for n in person_names(lines[0]) + foreign_names(lines[0])
               if n[0] == 0 and regex.match(r"\s+\p{Ll}", lines[0][n[1]:])]
    if opening:
        return Speaker(opening[0][2], "person", resolution="interview_headline")
    # (a title run into a foreign name is no part of it: "ông Yasukata Fukahori Trưởng ban Kinh tế")
    named = {TITLE_TAIL.sub("", n[2]) for line in lines[1:3] for n in person_names(line) + foreign_names(line)}
    if len(named) == 1:
        return Speaker(named.pop(), "person", resolution="interview_lead")
    return None


# round 6: "- Và ông muốn ...? - Chủ nghĩa siêu thực là ... - Vậy lý do nào ...? - Tôi rất thích ...": exchanges run
# together in one paragraph; a dash after a sentence end (or opening it) starts a question or an answer
EXCHANGE_DASH = regex.compile(r"(?:^|(?<=[.!?…”\"]))\s*[-–—]\s*(?=\S)")


def _interviewee(ctx: ArticleContext) -> Speaker | None:
    """Whom the question-and-answer part questions: the one who answered before, else the one the article
    introduced, else the headline's or the lead's person (and the part starts here)."""
    if ctx.interviewee is not None:
        return ctx.interviewee
    name = introduced_interviewee(ctx.text)
    ctx.qa_from = len(ctx.speakers) if ctx.qa_from is None else ctx.qa_from
    return Speaker(name, "person", resolution="interview") if name else _headline_or_quoted(ctx)


def inline_answers(para: str, ctx: ArticleContext, quote_min_words: int) -> list[dict]:
    """A paragraph that opens with a dash-led question and runs answers and questions together: one row an
    answer, a segment after a question (coding rule R6: one row per answer), by the interviewee."""
    cuts = [m.end() for m in EXCHANGE_DASH.finditer(para)]
    if len(cuts) < 2 or not EXCHANGE_DASH.match(para):
        return []
    segs = [para[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(para)])]
    # each cut but the last leaves the dash of the next segment at its end
    segs = [regex.sub(r"\s*[-–—]$", "", s).strip() for s in segs]
    if not ENDS_IN_QUESTION.search(segs[0]):
        return []
    # questions and answers alternate (an answer may end in a rhetorical question of its own)
    if not all(ENDS_IN_QUESTION.search(q) for q in segs[0::2]):
        return []
    answers = [a for a in segs[1::2] if len(a.split()) >= quote_min_words]
    speaker = _interviewee(ctx) if answers else None
    if speaker is None or speaker.kind != "person":
        return []
    ctx.interviewee = speaker
    return [{"speaker": speaker.name, "speaker_type": "person", "role": speaker.role, "cue": "interview",
             "kind": "direct", "resolution": speaker.resolution or "interview", "quote": a, "sentence": a}
            for a in answers]


# round 6: "Trung tá Phạm Văn Sáu ( trưởng Công an phường Bến Nghé, quận 1):": a paragraph that is only a name, maybe
# its title and role, and a colon heads the answers that follow
ANSWERER_HEADING = regex.compile(r"^\s*(?P<who>[^:()\n]{3,80}?)\s*(?:\([^()]*\))?\s*:\s*$")


def answerer_heading(para: str, ctx: ArticleContext) -> bool:
    """Set the interviewee from a heading paragraph that names them (True), else leave ctx as it is (False)."""
    m = ANSWERER_HEADING.match(para)
    names = person_names(m.group("who")) + honorific_names(m.group("who")) if m else []
    if not names or max(names)[1] != len(m.group("who").rstrip()):
        return False
    ctx.interviewee = Speaker(max(names)[2], "person", resolution="interview_heading")
    return True


def interview_answer(para: str, ctx: ArticleContext, quote_min_words: int, use_ner: bool) -> dict | None:
    """The paragraph as one interview answer (one row: a multi-sentence answer is one speech act), or None."""
    para = TRAILING_QUESTION.sub("", para)
    if ENDS_IN_QUESTION.search(para):
        return None  # the interviewer's question
    named = NAMED_ANSWER.match(para)
    previous = ctx.text.rstrip().rsplit("\n", 1)[-1]
    # after a dash or a question: a headline "X: ..." is not an answer
    if named and (person_names(named.group("who")) or honorific_names(named.group("who"))) and \
            (DASH_ANSWER.match(para) or ENDS_IN_QUESTION.search(previous)):
        speaker = parse_speaker(named.group("who"), ctx, use_ner)
        content = named.group("content")
    else:
        dash = DASH_ANSWER.match(para)
        if not dash or not ENDS_IN_QUESTION.search(previous):
            return None
        speaker = ctx.interviewee
        if speaker is None:
            name = introduced_interviewee(ctx.text)
            speaker = Speaker(name, "person", resolution="interview") if name else None
        ctx.qa_from = len(ctx.speakers) if ctx.qa_from is None else ctx.qa_from
        if speaker is None:
            speaker = _headline_or_quoted(ctx)
        content = dash.group("content")
    if speaker is None or speaker.kind != "person" or len(content.split()) < quote_min_words:
        return None
    ctx.interviewee = speaker
    return {"speaker": speaker.name, "speaker_type": "person", "role": speaker.role, "cue": "interview",
            "kind": "direct", "resolution": speaker.resolution or "interview", "quote": content.strip(),
            "sentence": para.strip()}


# round 7: an online interview prints each reader's question with its signature, name and age, in brackets after
# it ("...? (Gia Hân, 28 tuổi, Hà Nội)"): the reader's words, by name (coding rule C3)
READER_SIGNATURE = regex.compile(r"\?[\s”\"]*\(\s*(?P<who>[^(),\d]{2,40}?)\s*,\s*\d{1,3}\s*tuổi[^()]*\)\s*$")


def reader_question(para: str, quote_min_words: int) -> dict | None:
    """A reader's signed question in an online interview, as one row, or None."""
    m = READER_SIGNATURE.search(para)
    question = para[:m.start() + 1].strip(" -–—") if m else ""
    if not m or len(question.split()) < quote_min_words:
        return None
    return {"speaker": m.group("who"), "speaker_type": "person", "role": "", "cue": "interview", "kind": "direct",
            "resolution": "reader_signature", "quote": question, "sentence": para.strip()}
