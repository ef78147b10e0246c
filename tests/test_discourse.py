"""Discourse stage and its tools (concordance, passages, speech): KWIC, collocations, quotes and actors, passages;
speakers checked on the two seed articles."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline import concordance as C
from pipeline import discourse as D
from pipeline import params as P
from pipeline import passages as PA
from pipeline.speech import cues
from pipeline.speech import names as N
from pipeline.speech import quotes as Q
from pipeline.speech import speakers as S
from pipeline.segment import make_units
from pipeline.text import normalize

SEEDS = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))
PARAMS = P.load(Path(__file__).resolve().parent.parent / "params.yaml")
VERBS = PARAMS["discourse"]["speech_verbs"]
PUNCT_VERBS = PARAMS["discourse"]["speech_verbs_punct"]


def seed_units(level: str) -> pd.DataFrame:
    arts = []
    for f in SEEDS:
        text = normalize(f.read_text(encoding="utf-8"))
        arts.append({"article_id": f.stem, "text": text, "title": text.split("\n", 1)[0]})
    arts = pd.DataFrame(arts)
    units = make_units(arts, level, 80)
    return units.merge(arts[["article_id", "title"]], on="article_id").assign(
        source="kinhtedothi.vn", date="", series="", topic=0, theme="institutions")


@pytest.fixture(scope="module", params=["article", "paragraph"])
def seed_quotes(request) -> pd.DataFrame:
    return Q.extract_quotes(seed_units(request.param), VERBS, PUNCT_VERBS, 6)


def _said(quotes: pd.DataFrame, speaker: str, fragment: str) -> pd.DataFrame:
    return quotes[(quotes["speaker"] == speaker) & quotes["quote"].str.contains(fragment, regex=False)]


def test_seed_quotes_are_attributed_to_the_right_speakers(seed_quotes):
    assert len(SEEDS) == 2
    # "Phó Chủ tịch Thường trực UBND Thành phố Lê Hồng Sơn nhấn mạnh, Hà Nội đã có các thể chế ..."
    son = _said(seed_quotes, "Lê Hồng Sơn", "Hà Nội đã có các thể chế")
    assert len(son) == 1 and son["cue"].iloc[0] == "nhấn mạnh" and "Phó Chủ tịch" in son["role"].iloc[0]
    # "Còn bà Bùi Thị An - Ủy viên ... - thì cho rằng: Thời gian qua, ..."
    an = _said(seed_quotes, "Bùi Thị An", "Thời gian qua")
    assert len(an) == 1 and an["cue"].iloc[0] == "cho rằng" and an["role"].iloc[0].startswith("Ủy viên Ủy ban")
    # “Muốn cất cánh ... (a nested “thành phố sáng tạo”) ... của cả nước”, bà An nhấn mạnh.
    direct = _said(seed_quotes, "Bùi Thị An", "Muốn cất cánh từ trí tuệ")
    assert len(direct) == 1 and direct["kind"].iloc[0] == "direct" and direct["resolution"].iloc[0] == "short_name"
    assert direct["quote"].iloc[0].endswith("của cả nước") and "“thành phố sáng tạo”" in direct["quote"].iloc[0]
    # "GS.TS ... Nguyễn Văn Minh - Trường Đại học Sư phạm Hà Nội, cho biết, ..." then "Theo ông, ..."
    minh = _said(seed_quotes, "Nguyễn Văn Minh", "nhiều quốc gia như Hàn Quốc")
    assert len(minh) == 1 and minh["cue"].iloc[0] == "cho biết"
    theo = _said(seed_quotes, "Nguyễn Văn Minh", "Việt Nam nói chung")
    assert len(theo) == 1 and theo["kind"].iloc[0] == "according_to" and theo["resolution"].iloc[0] == "pronoun"


def test_seed_titles_in_quotation_marks_and_places_are_not_speakers(seed_quotes):
    assert not seed_quotes["quote"].str.startswith("Phát triển hệ sinh thái khởi nghiệp").any()
    assert not seed_quotes["quote"].str.startswith("Chuyển đổi số, xây dựng thành phố thông minh").any()
    assert not seed_quotes["speaker"].isin(["Hà Nội", "Thủ đô", "Có thể"]).any()
    named = seed_quotes[seed_quotes["speaker_type"] == "person"]
    assert set(named["speaker"]) == {"Lê Hồng Sơn", "Bùi Thị An", "Nguyễn Văn Minh"}


def test_actors_count_the_seed_speakers(seed_quotes):
    actors = Q.count_actors(seed_quotes, ["institutions", "other"]).set_index("actor")
    assert actors.loc["Bùi Thị An", "n_quotes"] == 2 and actors.loc["Bùi Thị An", "n_direct"] == 1
    # Sơn: "nhấn mạnh" and "đã chỉ ra các giải pháp" (a speech act, coded so in the quote set: Q249)
    assert actors.loc["Nguyễn Văn Minh", "n_quotes"] == 2 and actors.loc["Lê Hồng Sơn", "n_quotes"] == 2
    assert (actors[["theme_institutions", "theme_other"]].sum(axis=1) == actors["n_quotes"]).all()
    by = Q.actors_by_group(seed_quotes, ["source", "series"], "quarter")
    assert set(by["field"]) == {"source", "series"}
    assert by[by["field"] == "source"]["n_quotes"].sum() == actors["n_quotes"].sum()


@pytest.mark.parametrize("text,names", [
    ("Bí thư Thành ủy Hà Nội Bùi Thị Minh Hoài phát biểu", ["Bùi Thị Minh Hoài"]),
    ("Phó Chủ tịch UBND thành phố Lê Hồng Sơn cho biết", ["Lê Hồng Sơn"]),
    ("dự án trên đường Lê Duẩn và tại TP Hồ Chí Minh", []),
    ("Trường Đại học Sư phạm Hà Nội", []),
    ("ông Nguyễn Thị Kim Ngân và ông Tô Lâm", ["Nguyễn Thị Kim Ngân", "Tô Lâm"]),
])
def test_person_names(text, names):
    assert [n for _, _, n in N.person_names(text)] == names


def test_pronouns_resolve_to_the_last_speaker_of_that_gender():
    text = ("Ông Trần Văn Hùng, Giám đốc Sở Khoa học và Công nghệ, cho biết thành phố sẽ mở sàn giao dịch công nghệ.\n"
            "Bà Nguyễn Thị Lan cho rằng cần thêm cơ chế thử nghiệm có kiểm soát.\n"
            "Theo ông, dữ liệu là nền tảng của chính quyền số.\n"
            "Theo bà, thể chế phải đi trước một bước.")
    units = pd.DataFrame([{"unit_id": "a", "article_id": "a", "position": 0, "text": text}])
    q = Q.extract_quotes(units, VERBS, PUNCT_VERBS)
    got = dict(zip(q["quote"].str[:12], q["speaker"]))
    assert got["dữ liệu là n"] == "Trần Văn Hùng" and got["thể chế phải"] == "Nguyễn Thị Lan"
    assert q.set_index("speaker").loc["Trần Văn Hùng"].iloc[0]["role"] == "Giám đốc Sở Khoa học và Công nghệ"


@pytest.mark.parametrize("text, speakers", [
    # a directive with no punctuation after it, by a named body and a body named generically (coding rules C1, C8)
    ("UBND huyện An Minh yêu cầu chính quyền xã tiến hành kiểm điểm các cá nhân liên quan.", [("UBND huyện An Minh", "org")]),
    ("Đối với cán bộ có liên quan, cơ quan điều tra đề nghị lãnh đạo Bộ Công an báo cáo Ban Bí thư.",
     [("cơ quan điều tra", "org")]),
    # an acronym and a foreign surname said alone stand for the full form said before
    ("Văn phòng tội phạm BKA của Đức cho hay họ vừa cắt đứt một đường dây lừa đảo. BKA cho biết, mạng lưới này rất lớn.",
     [("Văn phòng tội phạm BKA của Đức", "org")] * 2),
    ("Giáo sư Richard Wiseman tại Anh đã nghiên cứu. “Mọi người có thể dùng bảng câu hỏi này để xác định”, Wiseman "
     "nhận định.", [("Richard Wiseman", "person")]),
    # a time between speaker and verb is not part of the name; an initial does not end the sentence
    ("Ủy ban bầu cử Iraq hôm qua cũng bác bỏ khả năng thêm ghế cho người Sunni trong Quốc hội.",
     [("Ủy ban bầu cử Iraq", "org")]),
    ("Theo Chủ tịch tập đoàn Acer, ông J.T.Wang, cho biết thì: “Mục tiêu của Acer là trở thành nhà cung cấp lớn thứ 3”.",
     [("J.T.Wang", "person")]),
])
def test_speakers_of_reported_speech(text, speakers):
    units = pd.DataFrame([{"unit_id": "u", "article_id": "a", "position": 0, "text": text}])
    q = Q.extract_quotes(units, VERBS, PUNCT_VERBS)
    named = q[q["speaker_type"].isin(Q.NAMED)]
    assert list(zip(named["speaker"], named["speaker_type"])) == speakers


@pytest.mark.parametrize("sentence", [
    "Một chi tiết rất đáng lưu ý là thủ tục đã được rút gọn.",
    "Thành phố tích hợp và chia sẻ dữ liệu giữa các sở, ngành.",
    "Có thể khẳng định, Hà Nội đang chuyển hóa tinh thần của Nghị quyết 57.",
    "Đề án “Phát triển hệ sinh thái khởi nghiệp sáng tạo Thủ đô đến năm 2025” đặt mục tiêu lớn.",
    "Hội nghị Bộ trưởng công nghệ thông tin Á châu đã bế mạc tại Hyderabad.",  # a noun, not "thông tin"
    "Thành ủy đã thành lập Ban Chỉ đạo thực hiện Nghị quyết để theo dõi tiến độ.",  # a name, not "chỉ đạo"
    "Các địa phương cần đáp ứng yêu cầu của người dân về dịch vụ công trực tuyến.",  # no one asks
])
def test_no_speaker_where_nobody_speaks(sentence):
    units = pd.DataFrame([{"unit_id": "a", "article_id": "a", "position": 0, "text": sentence}])
    assert Q.extract_quotes(units, VERBS, PUNCT_VERBS).empty


def _context(*speakers: tuple[str, str]) -> S.ArticleContext:
    ctx = S.ArticleContext()
    for name, role in speakers:
        ctx.mention(name, N.gender_of(name))
        ctx.speakers.append(S.Speaker(name, "person", role, "name", N.gender_of(name)))
    return ctx


@pytest.mark.parametrize("span,known,name,kind,resolution,role", [
    ("Bộ trưởng Bộ Khoa học và Công nghệ Nguyễn Mạnh Hùng", [], "Nguyễn Mạnh Hùng", "person", "name",
     "Bộ trưởng Bộ Khoa học và Công nghệ"),
    ("Còn bà An", [("Bùi Thị An", "Ủy viên")], "Bùi Thị An", "person", "short_name", ""),
    ("ông Okuda Hiroshi", [], "Okuda Hiroshi", "person", "honorific_name", ""),
    ("ông Sơn", [], "Sơn", "person", "short_name_unresolved", ""),
    ("bà", [("Trần Văn Hùng", "Giám đốc"), ("Nguyễn Thị Lan", "")], "Nguyễn Thị Lan", "person", "pronoun", ""),
    ("Tuy nhiên, Thứ trưởng", [("Võ Kim Cự", "Thứ trưởng Bộ Tài chính")], "Võ Kim Cự", "person", "role",
     "Thứ trưởng Bộ Tài chính"),
    ("Thứ trưởng Cự", [("Võ Kim Cự", "")], "Võ Kim Cự", "person", "short_name", "Thứ trưởng"),
    # a representative is a described person, not the body (data/validation/quote_rules.md C1)
    ("đại diện Sở Kế hoạch và Đầu tư", [], "đại diện Sở Kế hoạch và Đầu tư", "other", "other", ""),
    ("Tại hội thảo, ông Ichikawa, chuyên gia của JICA", [], "Ichikawa", "person", "honorific_name",
     "chuyên gia của JICA"),
    ("Ông Bob Bird, Phó chủ tịch Nokia Networks châu Á - Thái Bình Dương", [], "Bob Bird", "person",
     "honorific_name", "Phó chủ tịch Nokia Networks châu Á - Thái Bình Dương"),
    ("Alcatel", [], "Alcatel", "org", "name_org", ""),
    ("Wiseman", [("Richard Wiseman", "")], "Richard Wiseman", "person", "short_name", ""),
    ("Bộ", [], "Bộ", "other", "generic", ""),  # a generic head names nobody
    ("Có ý kiến", [], "Có ý kiến", "other", "other", ""),
    ("nhiều chuyên gia", [], "nhiều chuyên gia", "other", "other", ""),
])
def test_each_speaker_step_names_its_kind_of_speaker(span, known, name, kind, resolution, role):
    sp = S.parse_speaker(span, _context(*known), use_ner=False)
    assert (sp.name, sp.kind, sp.resolution, sp.role) == (name, kind, resolution, role)


@pytest.mark.parametrize("span", [
    "Ông ta",  # a pronoun with nobody named before: nobody, not the cited source "ông ta"
    "Một chi tiết rất đáng",  # "đáng lưu ý": no speech act
    "Thành phố cần",
    "chúng tôi",
    " ".join(["chữ"] * 46),  # a whole clause, not the words naming a speaker
])
def test_spans_that_name_nobody(span):
    assert S.parse_speaker(span, S.ArticleContext(), use_ner=False) is None


def test_quote_spans_nest_curly_quotes():
    text = "“A “b” c”, ông X nói. Còn “d”."
    spans = cues.quote_spans(text)
    assert [text[s:e] for s, e in spans] == ["“A “b” c”", "“d”"]


def test_kwic_is_whole_word_case_insensitive_with_the_window():
    units = pd.DataFrame([{"unit_id": "u1", "article_id": "a1", "title": "T", "text":
                           "Một hai ba bốn năm Thể chế sáu bảy tám chín mười. Thể chếx không tính. thể  chế cuối"}])
    res = C.kwic(units, ["thể chế"], window=3)
    assert list(res["keyword"]) == ["Thể chế", "thể chế"]
    assert res["left"].iloc[0] == "ba bốn năm" and res["right"].iloc[0] == "sáu bảy tám"
    assert res["right"].iloc[1] == "cuối" and res["title"].iloc[0] == "T"


def test_log_likelihood_matches_scipy():
    from scipy.stats import chi2_contingency

    o11, r1, c1, n = np.array([12.0, 3.0]), 40.0, np.array([30.0, 200.0]), 5000.0
    ours = C.log_likelihood(o11, r1, c1, n)
    for k in range(2):
        table = [[o11[k], r1 - o11[k]], [c1[k] - o11[k], n - r1 - c1[k] + o11[k]]]
        g2, *_ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
        assert ours[k] == pytest.approx(g2)


def test_collocations_count_words_in_the_window_and_keep_attracted_ones():
    docs = ["hoàn_thiện thể_chế đặc_thù xe máy", "thể_chế đặc_thù mới", "đặc_thù", "cơm nước bánh mì phở trà"] * 3
    docs += ["khoa_học_công_nghệ phát_triển mạnh", "khoa_học cơ_bản"]
    res = C.collocations(docs, {"thể chế": ["thể_chế"], "khoa học": ["khoa_học"]}, stopwords={"mới"}, window=1,
                         min_count=2, top=5)
    tc = res[res["term"] == "thể chế"].set_index("collocate")
    assert tc.loc["đặc_thù", "count"] == 6 and tc.loc["đặc_thù", "term_count"] == 6
    assert tc.loc["hoàn_thiện", "count"] == 3
    assert "mới" not in tc.index and "xe" not in tc.index  # a stopword; outside the one-word window
    assert (res["count"] > res["expected"]).all() and list(tc["rank"]) == sorted(tc["rank"])
    # "khoa học" inside the compound khoa_học_công_nghệ counts as an occurrence
    assert res[res["term"] == "khoa học"].empty  # each collocate seen once < min_count
    once = C.collocations(docs, {"khoa học": ["khoa_học"]}, set(), window=1, min_count=1)
    assert set(once["collocate"]) == {"phát_triển", "cơ_bản"} and set(once["term_count"]) == {2}


def test_passages_pick_the_paragraph_with_the_topic_words():
    long = " ".join(["chữ"] * 30)
    units = pd.DataFrame([
        {"unit_id": "a", "article_id": "a", "title": "Bài A", "date": "2025-07-04", "source": "kinhtedothi.vn",
         "topic": 3, "theme": "institutions",
         "text": f"{long}.\nLuật Thủ đô tạo thể chế đặc thù; thể chế mở đường cho đổi mới. {long}."},
        {"unit_id": "b", "article_id": "b", "title": "Bài B", "date": "", "source": "hanoimoi.vn", "topic": 3,
         "theme": "institutions", "text": f"thể chế {long}."},
        {"unit_id": "c", "article_id": "c", "title": "Bài C", "date": "", "source": "x", "topic": 1, "theme": "other",
         "text": f"thể chế thể chế thể chế {long}."},
    ])
    res = PA.passages(units, {("topic", "3"): ("3: thể chế", {"thể chế": 1.0, "luật": 0.5})}, per_key=2,
                     max_chars=120)
    assert list(res["article_id"]) == ["a", "b"] and list(res["rank"]) == [1, 2]  # topic 1's article is not used
    assert res["text"].iloc[0].startswith("Luật Thủ đô tạo thể chế") and len(res["text"].iloc[0]) <= 120
    assert res["citation"].iloc[0] == "“Bài A” (kinhtedothi.vn, 2025-07-04)"
    assert PA.trim("Câu một dài. Câu hai dài hơn nhiều. Câu ba", 40) == "Câu một dài. Câu hai dài hơn nhiều."
    assert PA.trim("Một câu rất dài không có dấu chấm nào cả", 20) == "Một câu rất dài …"  # no sentence end


def _params_with(**discourse):
    params = PARAMS.to_dict()
    params["discourse"].update(discourse)
    return P.validate(params)


def test_every_term_is_listed_in_the_summary_found_or_not():
    text = ("Thành phố hoàn thiện thể chế đặc thù và quy hoạch không gian phát triển. "
            "Thể chế mới mở đường cho khoa học.")
    frame = pd.DataFrame([{"unit_id": "u1", "article_id": "a1", "position": 0, "text": text, "title": "T",
                           "date": "", "source": "s", "series": "", "topic": 0, "theme": "institutions",
                           "tokens": "thành_phố hoàn_thiện thể_chế đặc_thù quy_hoạch không_gian_phát_triển thể_chế "
                                     "mở đường khoa_học"}])
    terms = ["thể chế", "Hòa Lạc", "quy hoạch", "trí tuệ nhân tạo"]
    params = _params_with(terms=terms)
    topic_terms = pd.DataFrame({"topic": [0], "rank": [1], "word": ["thể_chế"], "weight": [1.0]})
    out = D.run(frame, params, topic_terms, pd.DataFrame({"topic": [0], "label": ["0: thể chế"]}))
    summary = D.summarize(frame, out, params)
    assert summary["kwic_per_term"] == {"thể chế": 2, "Hòa Lạc": 0, "quy hoạch": 1, "trí tuệ nhân tạo": 0}
    assert list(summary["kwic_per_term"]) == terms  # configured order, zeros included
    assert summary["terms_not_found"] == ["Hòa Lạc", "trí tuệ nhân tạo"]
    assert summary["tokens_per_term"] == {"thể chế": 2, "Hòa Lạc": 0, "quy hoạch": 1, "trí tuệ nhân tạo": 0}
    assert summary["kwic_lines"] == len(out["kwic"]) == 3
    concept = {t: c["concept"] + c["in_name"] for t, c in summary["kwic_concept_vs_name"].items()}
    assert concept == summary["kwic_per_term"]  # each KWIC line counted once, on the concept or in a name
    assert C.kwic_counts(C.kwic(frame, []), ["x"]) == {"x": 0}  # no lines at all still lists the term


def test_terms_are_segmented_like_the_corpus_abbreviations_expanded():
    """A term with an abbreviation (CNTT) must meet the corpus tokens, where segment expanded it."""
    from pipeline.words import token_options, tokenize_texts

    texts = ["Ứng dụng CNTT trong cải cách hành chính giúp người dân tiết kiệm thời gian.",
             "Sở đẩy mạnh ứng dụng CNTT trong cải cách hành chính ở cấp xã.",
             "Hạ tầng CNTT của thành phố được nâng cấp trong cải cách hành chính."]
    seg = PARAMS["segment"]
    tokens = tokenize_texts(texts, seg["dictionary"], **token_options(PARAMS))  # as the segment stage does
    assert all("công_nghệ_thông_tin" in t.split() for t in tokens)
    params = _params_with(terms=["CNTT", "ứng dụng CNTT"])
    terms = D.segmented_terms(params)
    assert terms["CNTT"] == ["công_nghệ_thông_tin"]
    assert C.term_counts(tokens, terms) == {"CNTT": 3, "ứng dụng CNTT": 2}  # a phrase across two corpus tokens
    res = C.collocations(tokens, terms, set(), window=3, min_count=2).set_index(["term", "collocate"])
    assert res.loc[("CNTT", "ứng_dụng"), "count"] == 2 and res.loc[("CNTT", "ứng_dụng"), "term_count"] == 3
    assert res.loc[("ứng dụng CNTT", "cải_cách_hành_chính"), "term_count"] == 2
    # segmented without the expansion (the stage's former private copy), the term never meets the corpus
    unexpanded = {t: s.split() for t, s in zip(["CNTT"], tokenize_texts(["CNTT"], seg["dictionary"]))}
    assert C.term_counts(tokens, unexpanded) == {"CNTT": 0}


@pytest.mark.parametrize("tokens,term,expected", [
    ("khu công_nghiệp mới và khu_công_nghiệp cũ", ["khu_công_nghiệp"], [(0, 2), (4, 5)]),
    ("khu công_nghiệp mới", ["khu", "công_nghiệp"], [(0, 2)]),
    ("khoa_học_công_nghệ và khoa_học", ["khoa_học"], [(0, 1), (2, 3)]),
    ("khu công nghiệp", ["khu_công_nghiệp_cao"], []),
    ("khu_vực công_nghiệp", ["khu_công_nghiệp"], []),
])
def test_a_term_matches_however_the_segmenter_cut_it(tokens, term, expected):
    assert C._matches(tokens.split(), term) == expected


@pytest.mark.integration
def test_stage_on_the_seed_articles(tmp_path, monkeypatch):
    """discourse.main on the two seed articles at paragraph level: every table written, speakers found."""
    import yaml

    from pipeline import io as pio

    (tmp_path / "params.yaml").write_text(yaml.safe_dump(PARAMS.to_dict(), allow_unicode=True), encoding="utf-8")
    units = seed_units("paragraph")
    monkeypatch.chdir(tmp_path)
    from pipeline.words import tokenize_texts

    units["tokens"] = tokenize_texts(units["text"].tolist(), PARAMS["segment"]["dictionary"])
    arts = units.groupby("article_id").agg(title=("title", "first")).reset_index().assign(
        date=None, source="kinhtedothi.vn", series=None)
    pio.write_parquet("data/interim/articles.parquet", arts)
    pio.write_parquet("data/interim/units.parquet", units[["unit_id", "article_id", "position", "text", "tokens"]])
    assign = units[["unit_id", "article_id"]].assign(topic=[i % 2 for i in range(len(units))],
                                                    theme=["institutions", "science_innovation"] * (len(units) // 2)
                                                    + ["institutions"] * (len(units) % 2))
    pio.write_parquet("data/processed/unit_themes.parquet", assign)
    pio.write_parquet("data/processed/topic_themes.parquet", pd.DataFrame({"topic": [0, 1], "label": ["0: thể chế", "1: khoa học"]}))
    pio.write_parquet("data/processed/topic_terms.parquet", pd.DataFrame(
        {"topic": [0, 0, 1, 1], "rank": [1, 2, 1, 2], "word": ["thể_chế", "luật_thủ_đô", "khoa_học", "công_nghệ"],
         "weight": [0.5, 0.3, 0.5, 0.4]}))
    D.main(["--root", str(tmp_path)])
    out = tmp_path / "reports/discourse"
    tables = {name: pd.read_csv(out / f"{name}.csv") for name in
              ("kwic", "collocations", "quotes", "actors", "actors_by_group", "passages")}
    assert set(tables["kwic"]["term"]) >= {"chuyển đổi số", "đổi mới sáng tạo", "thể chế", "Nghị quyết 57", "Hòa Lạc"}
    assert {"Lê Hồng Sơn", "Bùi Thị An", "Nguyễn Văn Minh"} <= set(tables["actors"]["actor"])
    assert set(tables["passages"]["kind"]) == {"topic", "theme"}
    assert not tables["collocations"].empty
    summary = pio.read_json(out / "summary.json")
    assert summary["quotes"] == len(tables["quotes"])
    # every configured term is listed, found or not (summary.json sorts its keys; the list keeps params' order)
    terms = PARAMS["discourse"]["terms"]
    assert sorted(summary["kwic_per_term"]) == sorted(terms) == sorted(summary["tokens_per_term"])
    assert summary["terms_not_found"] == [t for t in terms if summary["kwic_per_term"][t] == 0]
    assert sum(summary["kwic_per_term"].values()) == len(tables["kwic"])


def test_kwic_tells_an_institution_name_from_the_concept():
    text = ("Bộ Khoa học và Công nghệ cho biết khoa học và công nghệ là động lực. Sở Khoa học và Công nghệ Hà Nội "
            "mở Học viện Công nghệ mới. Công nghệ số lan rộng.")
    lines = C.kwic(pd.DataFrame([{"unit_id": "a", "article_id": "a", "text": text}]), ["khoa học", "công nghệ"])
    assert lines.groupby("term")["in_name"].apply(list).to_dict() == {
        "khoa học": [True, False, True], "công nghệ": [True, False, True, True, False]}
    assert C.kwic_name_counts(lines, ["khoa học", "công nghệ", "thể chế"]) == {
        "khoa học": {"concept": 1, "in_name": 2}, "công nghệ": {"concept": 2, "in_name": 3},
        "thể chế": {"concept": 0, "in_name": 0}}


def test_roles_have_standard_abbreviations_written_out():
    units = pd.DataFrame([{"unit_id": "a", "article_id": "a", "position": 0,
                           "text": "Phó Chủ tịch UBND TP Lê Hồng Sơn cho biết thành phố sẽ mở sàn giao dịch công nghệ."}])
    q = Q.extract_quotes(units, VERBS, PUNCT_VERBS, abbreviations=PARAMS["segment"]["abbreviations"])
    assert q["role"].tolist() == ["Phó Chủ tịch Ủy ban nhân dân thành phố"]


def _sample_units(n_articles: int = 40) -> pd.DataFrame:
    """Paragraph units of the bundled sample's first articles: many speakers, several units an article."""
    arts = pd.read_json(Path(__file__).resolve().parent.parent / "data" / "sample" / "vntc_sample.jsonl", lines=True)
    arts = arts.head(n_articles).assign(article_id=lambda d: [f"a{i:03d}" for i in range(len(d))])
    arts["text"] = arts["text"].map(normalize)
    units = make_units(arts[["article_id", "text"]], "paragraph", 80)
    return units.assign(title="t", source=[f"s{i % 3}" for i in range(len(units))], date="", series="", topic=0,
                        theme=["institutions" if i % 2 else "other" for i in range(len(units))])


def test_quotes_in_parallel_equal_the_serial_reading():
    units = _sample_units()
    serial = Q.extract_quotes(units, VERBS, PUNCT_VERBS, 6, workers=1)
    assert serial["speaker_type"].isin(Q.NAMED).sum() >= 10  # the comparison has quotes to compare
    pd.testing.assert_frame_equal(Q.extract_quotes(units, VERBS, PUNCT_VERBS, 6, workers=2), serial)


def test_actor_counts_equal_a_plain_pandas_reading():
    quotes = Q.extract_quotes(_sample_units(), VERBS, PUNCT_VERBS, 6, workers=1)
    themes = ["institutions", "other"]
    got = Q.count_actors(quotes, themes)
    named = quotes[quotes["speaker_type"].isin(Q.NAMED)]
    assert len(got) == named.groupby(["speaker", "speaker_type"]).ngroups > 5
    for row in got.itertuples(index=False):
        g = named[(named["speaker"] == row.actor) & (named["speaker_type"] == row.actor_type)]
        roles = g["role"].fillna("").astype(str)
        roles = roles[roles != ""]
        assert row.role == (roles.value_counts().index[0] if len(roles) else "")
        assert (row.n_quotes, row.n_direct, row.n_articles) == (len(g), (g["kind"] == "direct").sum(),
                                                                 g["article_id"].nunique())
        assert row.theme_institutions + row.theme_other == len(g)
        assert row.theme_institutions == (g["theme"] == "institutions").sum()


def test_term_counts_skip_only_documents_without_the_term():
    docs = ["Khoa_học_công_nghệ và khoa_học", "khu công_nghiệp mới", "khu_công_nghiệp", "không có gì", "thể chế"] * 2
    terms = {"khoa học": ["khoa_học"], "khu công nghiệp": ["khu", "công_nghiệp"], "thể chế": ["thể_chế"],
             "chuyển đổi số": ["chuyển_đổi_số"]}
    brute = {name: sum(len(C._matches(d.lower().split(), [t.lower() for t in term])) for d in docs)
             for name, term in terms.items()}
    assert C.term_counts(docs, terms) == brute == {"khoa học": 4, "khu công nghiệp": 4, "thể chế": 2,
                                                   "chuyển đổi số": 0}
