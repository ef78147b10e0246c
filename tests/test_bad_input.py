"""Bad or awkward input (issue 17): each case ends in a correct result or one clear line naming the file, line or
key, and nothing else is lost. The pure cores are run directly; the real stage for a few."""
import json

import pandas as pd
import pytest
import yaml

from pipeline.clean import clean_articles, load_rules
from pipeline.dates import parse_date
from pipeline.furniture import Detector
from pipeline.ingest import decode, ingest_files, to_frames
from pipeline.text import normalize, paragraphs, strip_markup
from stage_helpers import FIXTURES, REPO, make_project, run_stage

BODY = ("Hà Nội đẩy mạnh chuyển đổi số trong các cơ quan nhà nước, với nhiều dịch vụ công trực tuyến mới được đưa "
        "vào vận hành từ đầu năm nay.")
RULES = load_rules(REPO / "data" / "boilerplate.yaml")
PARAMS = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
SPEECH = PARAMS["discourse"]["speech_verbs"]
FIELDS = {"id": "id", "title": "title", "text": "text", "date": "date", "source": "source"}


def jsonl(*records) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records).encode()


def ids(result):
    return [a["article_id"] for a in result.articles]


def clean(raw_records, **kw):
    raw = pd.DataFrame(raw_records)
    for col in ("title", "date", "source", "series", "part", "label", "url", "author", "file", "item"):
        if col not in raw:
            raw[col] = None
    return clean_articles(raw, RULES, language=None, min_chars=20, speech_verbs=SPEECH, **kw)


# --- JSON lines --------------------------------------------------------------------------------------------------

def test_text_as_list_is_paragraphs_and_as_object_is_rejected_by_key():
    r = ingest_files([("a.jsonl", jsonl({"id": "l1", "text": ["Đoạn một.", "Đoạn hai."]},
                                        {"id": "d1", "text": {"vi": "Nội dung"}},
                                        {"id": "ok", "text": BODY}))], fields=FIELDS)
    assert ids(r) == ["l1", "ok"]
    assert r.articles[0]["text"] == "Đoạn một.\nĐoạn hai."  # never "['Đoạn một.', 'Đoạn hai.']"
    (rej,) = r.rejected
    assert rej["item"] == "a.jsonl:2" and rej["article_id"] == "d1" and rej["code"] == "bad_value"
    assert "line 2" in rej["reason"] and "key 'text'" in rej["reason"] and "object" in rej["reason"]


def test_line_separators_inside_json_strings_are_text_not_line_ends():
    tricky = {"id": "u1", "text": "Câu một\u2028câu hai\u2029câu ba\u0085hết."}
    r = ingest_files([("a.jsonl", jsonl(tricky, {"id": "u2", "text": BODY}, "{broken"))], fields=FIELDS)
    assert ids(r) == ["u1", "u2"] and r.articles[0]["text"] == tricky["text"]
    assert [x["item"] for x in r.rejected] == ["a.jsonl:3"]  # the line numbers after it are not shifted


def test_one_bad_byte_costs_its_line_named_and_keeps_the_others():
    data = jsonl({"id": "b1", "text": BODY}) + b'{"id": "b2", "text": "h\xe0 n\xf4i"}\n' + jsonl({"id": "b3", "text": BODY + " Ba."})
    r = ingest_files([("a.jsonl", data)], fields=FIELDS)
    assert ids(r) == ["b1", "b3"]
    (rej,) = r.rejected
    assert rej["item"] == "a.jsonl:2" and rej["code"] == "undecodable" and "line 2" in rej["reason"]
    assert "byte" not in rej["reason"].split("(")[0]


def test_pretty_printed_json_array_is_records():
    data = json.dumps([{"id": "p1", "text": BODY}, {"id": "p2", "text": BODY + " Hai."}], ensure_ascii=False, indent=2)
    r = ingest_files([("a.json", data.encode())], fields=FIELDS)
    assert ids(r) == ["p1", "p2"] and r.rejected == []


def test_broken_pretty_printed_array_is_one_message_with_its_line():
    data = '[\n  {"id": "p1", "text": "x"},\n  {"id": "p2", "text": "y",}\n]\n'
    r = ingest_files([("a.json", data.encode())], fields=FIELDS)
    assert r.articles == [] and len(r.rejected) == 1
    assert r.rejected[0]["item"] == "a.json:3" and "JSON array" in r.rejected[0]["reason"]


def test_columns_named_like_fields_but_not_mapped_give_one_warning():
    rec = {"ma": "m1", "noi_dung": BODY, "title": "Tiêu đề", "date": "2025-07-01"}
    r = ingest_files([("a.jsonl", jsonl(rec))], fields={"id": "ma", "text": "noi_dung", "title": None, "date": None})
    assert ids(r) == ["m1"]
    (warning,) = r.warnings
    assert warning.startswith("a.jsonl:") and "'title'" in warning and "corpus.fields.date: date" in warning


# --- CSV ---------------------------------------------------------------------------------------------------------

def test_unterminated_quote_names_the_line_and_id_and_keeps_the_records_after_it():
    text = ('id,title,text\n'
            'c1,Một,"Bài một mở ngoặc kép mà không đóng\n'
            'c2,Hai,"Bài hai, đầy đủ."\n'
            'c3,Ba,Bài ba.\n')
    r = ingest_files([("a.csv", text.encode())], fields=FIELDS)
    assert ids(r) == ["c2", "c3"]  # nothing after the broken record is swallowed
    (rej,) = r.rejected
    assert rej["item"] == "a.csv:2" and rej["article_id"] == "c1" and "line 2" in rej["reason"]
    assert "quote" in rej["reason"] and "never closed" in rej["reason"]


def test_semicolon_csv_is_read_with_a_note_on_its_delimiter():
    text = "id;title;text\ns1;Một;Bài một, có dấu phẩy.\ns2;Hai;Bài hai.\n"
    r = ingest_files([("a.csv", text.encode())], fields=FIELDS)
    assert ids(r) == ["s1", "s2"] and r.articles[0]["text"] == "Một\nBài một, có dấu phẩy."
    assert r.warnings == ["a.csv: read with delimiter ';' (its header is separated by ';', not commas)"]


def test_ragged_csv_row_names_its_id():
    r = ingest_files([("a.csv", b"id,text\nr1,ok\nr2,a,b\n")], fields={"id": "id", "text": "text"})
    assert ids(r) == ["r1"] and r.rejected[0]["article_id"] == "r2" and "(id r2)" in r.rejected[0]["reason"]


# --- plain text, encodings, sidecar ------------------------------------------------------------------------------

def test_upper_case_vietnamese_is_not_mojibake():
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐÃ ĐẾN LÚC XÃ HỘI HÓA GIÁO DỤC Ở NGÃ BA ĐÔNG DƯƠNG\n"
            "NGÃ TƯ SỞ ĐÃ THÔNG XE, XÃ ĐÀN PHƯỢNG ĐÃ CÓ ĐƯỜNG MỚI, NGÃ NĂM Ô CHỢ DỪA CŨNG VẬY.\n") * 3
    assert decode(text.encode("utf-8"), "hoa.txt") == text
    mojibake = text.encode("utf-8").decode("latin-1", errors="replace").encode("utf-8")
    with pytest.raises(ValueError, match="mojibake"):
        decode("Tiếng Việt có dấu: đường, người, được, Hà Nội.".encode().decode("cp1252", errors="replace")
               .encode("utf-8") * 3, "moji.txt")
    assert mojibake  # the same capitals, mis-decoded, are not silently accepted either
    with pytest.raises(ValueError, match="mojibake"):
        decode(mojibake, "hoa_moji.txt")


def test_single_line_txt_is_body_with_a_guessed_title():
    line = BODY + " " + BODY.replace("Hà Nội", "Đà Nẵng")
    r = ingest_files([("mot_dong.txt", line.encode())])
    (art,) = r.articles
    assert art["title"] is None and art["text"] == line
    arts, _, _ = clean([{"article_id": "mot_dong", "text": art["text"]}])
    assert arts["text"][0] == line and len(arts["title"][0]) < len(line)


def test_sidecar_row_matching_two_subfolders_is_applied_to_neither_with_a_warning():
    files = [("2024/bai.txt", f"Tiêu đề\n{BODY}".encode()), ("2025/bai.txt", f"Tiêu đề khác\n{BODY} Mới.".encode())]
    r = ingest_files(files, sidecar={"bai.txt": {"series": "Loạt bài"}, "2025/bai.txt": {"date": "2025-07-01"}})
    assert [a["series"] for a in r.articles] == [None, None]
    assert [a["date"] for a in r.articles] == [None, "2025-07-01"]  # the relative path still applies
    (warning,) = r.warnings
    assert "'bai.txt'" in warning and "2024/bai.txt" in warning and "2025/bai.txt" in warning


# --- clean -------------------------------------------------------------------------------------------------------

def test_html_markup_and_entities_in_record_text_are_removed():
    raw = f'<p class="lead">Kiến trúc &amp; chống đầu cơ&nbsp;đất đai.</p><p>{BODY} &lt;p&gt; vẫn là chữ, 3 &lt; 5.</p>'
    assert strip_markup("AT&T <5% x") == "AT&T <5% x"
    arts, _, _ = clean([{"article_id": "h", "text": raw, "title": None}])
    lines = arts["text"][0].split("\n")
    assert lines == ["Kiến trúc & chống đầu cơ đất đai.", f"{BODY} <p> vẫn là chữ, 3 < 5."]


def test_zero_width_space_between_words_and_bidi_controls():
    assert normalize("Hà\u200bNội\u200b, \u202eđảo\u202c \u2066x\u2069 a\u200cb\u200dc") == "Hà Nội, đảo x abc"


@pytest.mark.parametrize("value, iso", [("1/7/25", "2025-07-01"), ("01 Tháng 7 2025", "2025-07-01"),
                                        ("1751328000", "2025-07-01"), ("31/12/99", "1999-12-31")])
def test_other_date_forms_are_read(value, iso):
    assert parse_date(value) == iso


def test_unreadable_dates_are_listed_with_their_article():
    other = "Đà Nẵng khởi công cây cầu mới bắc qua sông Hàn, dự kiến hoàn thành sau hai năm thi công liên tục."
    arts, _, audit = clean([{"article_id": "d1", "text": BODY, "date": "hôm qua", "item": "a.jsonl:1"},
                            {"article_id": "d2", "text": other, "date": "1/7/25", "item": "a.jsonl:2"}])
    assert arts["date"].isna().tolist() == [True, False] and arts["date"][1] == "2025-07-01"
    assert audit["dates_unreadable_articles"] == [{"article_id": "d1", "item": "a.jsonl:1", "date": "hôm qua"}]


# --- repeated boilerplate ----------------------------------------------------------------------------------------

FURNITURE = ["Lưu bài viết thành công Bạn có thể xem lại bài viết đã lưu ở trang Tin bài đã lưu",
             "Nguồn: [Link nguồn]", "Nhà cái uy tín số 1 Châu Á", "Đăng ký nhận bản tin Thời Đại"]


def _site():
    return [json.loads(line) for line in (FIXTURES / "furniture_site" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


def test_furniture_of_an_unknown_site_is_gone_and_its_body_stays():
    site = _site()
    r = ingest_files([("articles.jsonl", jsonl(*site))], fields=FIELDS)
    raw, _ = to_frames(r)
    arts, rejected, audit = clean_articles(raw, RULES, language="vi", speech_verbs=SPEECH,
                                           repeated_boilerplate={"keep": ["^Chương trình mục tiêu quốc gia"]})
    assert len(arts) == len(site) and rejected.empty
    text = "\n".join(arts["text"])
    for furniture in FURNITURE:
        assert furniture not in text
    # every body paragraph of every article survives whole (the furniture was only glued to some of them)
    for rec, cleaned in zip(site, arts["text"]):
        kept = set(cleaned.split("\n"))
        for para in rec["text"].split("\n"):
            for f in FURNITURE[:1]:
                para = para.removeprefix(f + " ")
            para = para.removesuffix(" Nguồn: [Link nguồn]").removesuffix(" Đăng ký nhận bản tin Thời Đại để không "
                                                                           "bỏ lỡ những tin tức mới nhất mỗi sáng")
            if not any(para.startswith(f) for f in FURNITURE) and para:
                assert para in kept or para + "." in kept, (rec["id"], para)
    assert text.count("Thể chế là điểm nghẽn của điểm nghẽn") == 7  # a recurring quotation is not furniture
    assert text.count("Chương trình mục tiêu quốc gia xây dựng nông thôn mới") == 6  # kept by the keep-list
    rb = audit["repeated_boilerplate"]
    assert rb["units_removed"] == sum(e["removed"] for e in rb["by_source"]["thoidai.example"]["examples"])
    assert {e["kind"] for e in rb["by_source"]["thoidai.example"]["examples"]} == {"line", "sentence", "lead", "tail"}
    assert rb["kept_by_rule"][0]["articles"] == 7


def test_without_the_keep_list_the_programme_line_counts_as_furniture():
    raw, _ = to_frames(ingest_files([("articles.jsonl", jsonl(*_site()))], fields=FIELDS))
    arts, _, audit = clean_articles(raw, RULES, language=None, speech_verbs=SPEECH)
    assert "Chương trình mục tiêu quốc gia" not in "\n".join(arts["text"])
    assert audit["repeated_boilerplate"]["articles_affected"] == len(arts)


def test_below_the_thresholds_nothing_is_furniture():
    docs = [("s", ["Tiêu đề", f"Câu chung lặp lại ở vài bài báo khác nhau số {i // 4}.", f"Thân bài {i}."], 1)
            for i in range(100)]  # each shared line in 4 articles: under min_articles 5
    det = Detector({}, SPEECH)
    found = det.find(docs)
    assert all(det.remove(lines, s, first, found) == lines for s, lines, first in docs)
    with pytest.raises(ValueError, match="unknown key 'min_shares'"):
        Detector({"min_shares": 0.1})


def test_detector_removes_no_line_of_the_sample():
    """The bundled sample (VNTC, 4 sources of 120 articles): nothing at all is taken for furniture."""
    records = [json.loads(line) for line in (REPO / "data" / "sample" / "vntc_sample.jsonl").open(encoding="utf-8")]
    det = Detector({}, SPEECH)
    docs = [(r["source"], paragraphs(normalize(r["text"])), 0) for r in records]
    found = det.find(docs)
    assert sum(len(v) for v in found.found.values()) == 0
    assert all(det.remove(lines, s, 0, found) == lines for s, lines, _ in docs)


def test_detector_removes_no_line_of_the_seeds_even_at_two_articles():
    """The two seeds as one source, at the lowest support there is (a unit in both is furniture): nothing of
    either article's body recurs in the other once the rules have run."""
    seeds = sorted((REPO.parent / "shared" / "seeds").glob("*.txt")) or sorted((FIXTURES / "seeds").glob("*.txt"))
    r = ingest_files([(p.name, p.read_bytes()) for p in seeds])
    raw, _ = to_frames(r)
    raw["source"] = "one site"
    base, _, _ = clean_articles(raw, RULES, language=None, repeated_boilerplate={"enabled": False})
    arts, _, audit = clean_articles(raw, RULES, language=None, repeated_boilerplate={"min_articles": 2, "min_share": 0.0})
    assert len(seeds) == 2 and list(arts["text"]) == list(base["text"])
    assert audit["repeated_boilerplate"]["units_removed"] == 0


# --- the real stage ----------------------------------------------------------------------------------------------

def test_ingest_stage_reports_a_bad_line_and_keeps_the_rest(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "bai.jsonl").write_bytes(jsonl({"ma": "k1", "noi_dung": BODY * 3, "title": "Tiêu đề"},
                                             {"ma": "k2", "noi_dung": {"x": 1}},
                                             {"ma": "k3", "noi_dung": [BODY * 2, "Đoạn cuối."]}))
    make_project(tmp_path / "p", corpus, fields={"id": "ma", "text": "noi_dung", "title": None})
    proc = run_stage(tmp_path / "p", "ingest")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "bai.jsonl: column 'title' look" in proc.stderr and "corpus.fields.title: title" in proc.stderr
    arts = pd.read_parquet(tmp_path / "p" / "data" / "interim" / "raw_articles.parquet")
    assert list(arts["article_id"]) == ["k1", "k3"] and arts["text"][1].endswith("\nĐoạn cuối.")
    rej = pd.read_csv(tmp_path / "p" / "data" / "interim" / "ingest_rejected.csv")
    assert list(rej["item"]) == ["bai.jsonl:2"] and "key 'noi_dung'" in rej["reason"][0]
    warnings = json.loads((tmp_path / "p" / "data" / "interim" / "ingest_warnings.json").read_text(encoding="utf-8"))
    assert len(warnings) == 1 and "'title'" in warnings[0]


def test_ingest_and_clean_stages_on_an_unterminated_quote(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    sample = (REPO / "data" / "sample" / "vntc_sample.jsonl").open(encoding="utf-8")
    texts = [json.loads(next(sample))["text"].replace('"', '""') for _ in range(4)]
    rows = [f'q{i},Tiêu đề {i},"{t}"' for i, t in enumerate(texts, start=1)]
    rows[1] = rows[1][:-1]  # q2's closing quote is missing
    (corpus / "bang.csv").write_text("id,title,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    make_project(tmp_path / "p", corpus, fields={"id": "id", "title": "title", "text": "text"}, language=None)
    for stage in ("ingest", "clean"):
        proc = run_stage(tmp_path / "p", stage)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    arts = pd.read_parquet(tmp_path / "p" / "data" / "interim" / "articles.parquet")
    assert list(arts["article_id"]) == ["q1", "q3", "q4"]
    rej = pd.read_csv(tmp_path / "p" / "reports" / "rejected.csv")
    lines = (corpus / "bang.csv").read_text(encoding="utf-8").split("\n")
    q2_line, q3_line = (1 + next(i for i, line in enumerate(lines) if line.startswith(q)) for q in ("q2,", "q3,"))
    assert list(rej["article_id"]) == ["q2"] and f"line {q2_line} (id q2)" in rej["reason"][0]
    assert f"lines {q2_line}-{q3_line - 1} are skipped" in rej["reason"][0]  # its own lines, none of q3's
    audit = json.loads((tmp_path / "p" / "reports" / "cleaning.json").read_text(encoding="utf-8"))
    assert audit["warnings"] == [] and audit["repeated_boilerplate"]["units_removed"] == 0


# --- listing pages, read-only outputs, Markdown tables -------------------------------------------------------------

def _listing_html(n=6, headlines_kept=False) -> str:
    story = ('<article><h3><a href="/bai-{i}.html">Tin số {i}: Hà Nội khởi công dự án giao thông mới</a></h3>'
             '<p>{lead} Bài {i} còn tiếp…</p></article>')
    lead = BODY[:90]
    if headlines_kept:  # a template whose headlines trafilatura keeps as lines
        story = '<p><a href="/bai-{i}.html">Tin số {i}: Hà Nội khởi công dự án giao thông mới</a></p><p>{lead} Bài {i}.</p>'
    items = "".join(story.format(i=i, lead=lead) for i in range(n))
    return f"<html><head><title>Giao thông</title></head><body><main><h1>Giao thông</h1>{items}</main></body></html>"


def test_a_listing_page_of_teasers_is_rejected_with_its_reason_and_the_article_beside_it_kept():
    from pipeline.ingest import listing_page

    article = (f"<html><head><title>Chuyển đổi số</title></head><body><article><h1>Chuyển đổi số</h1>"
               f"<p>{BODY}</p><p>{BODY} Thêm một câu.</p><p>Ông A cho biết: \"{BODY[:60]}...\"</p></article></body></html>")
    r = ingest_files([("muc.html", _listing_html().encode()), ("bai.html", article.encode())])
    assert ids(r) == ["bai"]
    (rej,) = r.rejected
    assert rej["item"] == "muc.html" and rej["code"] == "listing_page"
    assert "a listing of other articles" in rej["reason"] and "teasers ending in an ellipsis" in rej["reason"]
    lines = "Giao thông\n" + "\n".join(f"Tin số {i}: Hà Nội khởi công dự án giao thông mới\n{BODY}" for i in range(4))
    assert "link texts (headlines)" in listing_page(lines, _listing_html(4, headlines_kept=True))
    assert listing_page("Tiêu đề\n" + "\n".join([BODY] * 5), _listing_html(4, headlines_kept=True)) is None


def test_a_read_only_output_directory_is_one_line_naming_it_and_the_old_output_stays(tmp_path, monkeypatch):
    import os
    import tempfile

    from pipeline import io as pio

    reports = tmp_path / "reports"
    pio.write_json(reports / "metrics.json", {"npmi": 0.1})

    def refused(*args, dir=None, **kw):
        raise PermissionError(13, "Permission denied", os.path.join(dir, ".metrics.json.1.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(SystemExit) as exc:
        pio.write_json(reports / "metrics.json", {"npmi": 0.2})
    message = str(exc.value)
    assert "\n" not in message and f"{reports} is not writable" in message and f"chmod -R u+w {reports}" in message
    assert json.loads((reports / "metrics.json").read_text()) == {"npmi": 0.1}
    assert [p.name for p in reports.iterdir()] == ["metrics.json"]


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="root writes into read-only directories")
def test_a_really_read_only_reports_directory(tmp_path):
    from pipeline import io as pio

    (tmp_path / "reports").mkdir()
    (tmp_path / "reports").chmod(0o555)
    try:
        with pytest.raises(SystemExit, match="reports is not writable"):
            pio.write_csv(tmp_path / "reports" / "topics.csv", pd.DataFrame({"a": [1]}))
    finally:
        (tmp_path / "reports").chmod(0o755)


def test_a_bar_in_a_title_stays_inside_its_markdown_table_cell():
    from pipeline.typeset import md_table

    table = md_table(pd.DataFrame({"title": ["Hà Nội | Chuyển đổi số", "Bình thường"], "n": [1, 2]}))
    rows = table.splitlines()
    assert r"Hà Nội \| Chuyển đổi số" in table
    unescaped = [len(row.replace(r"\|", "")) - len(row.replace(r"\|", "").replace("|", "")) for row in rows]
    assert len(set(unescaped)) == 1  # every row has as many cell borders as the header


# --- small corpora in the topic model and evaluate ---------------------------------------------------------------

def _topics_workspace(tmp_path, tokens: list[str]):
    import numpy as np

    from pipeline import io as pio
    from pipeline import workspace

    root = workspace.make(tmp_path / "p", overrides={"embedding.backend": "tfidf", "topics.representation": "none",
                                                           "theme_measure.method": "similarity"})
    unit_ids = [f"a{i}" for i in range(len(tokens))]
    pio.write_parquet(root / "data/interim/units.parquet",
                      pd.DataFrame({"unit_id": unit_ids, "article_id": unit_ids, "text": tokens, "tokens": tokens}))
    vectors = np.random.default_rng(0).normal(size=(len(tokens), 8)).astype("float32")
    pio.save_embeddings(root / "data/processed/embeddings.npz", unit_ids, vectors)
    return root


def test_one_unit_left_is_one_line_with_the_minimum_and_what_to_do(tmp_path):
    """All articles identical: clean keeps one, and topics says so instead of hdbscan's 'k must be <= ...'."""
    from pipeline import workspace

    root = _topics_workspace(tmp_path, ["khoa_học công_nghệ đổi_mới_sáng_tạo"])
    proc = workspace.run_stage(root, "topics", timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == ("topics: 1 unit(s) to model; a topic model needs at least 2: add articles, or set "
                                   "units.level: paragraph, or see reports/rejected.csv for the ones left out")
    assert not (root / "data/processed/topic_assignments.parquet").exists()


def test_units_of_stopwords_only_are_one_line_naming_the_stopword_settings(tmp_path):
    from pipeline import workspace

    root = _topics_workspace(tmp_path, ["của và các", "được của", "các và"])
    proc = workspace.run_stage(root, "topics", timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("topics: no word is left for topic words in 3 units")
    assert "segment.stopwords" in proc.stderr


def test_evaluate_on_a_tiny_corpus_states_what_it_skipped():
    from pipeline.evaluate import evaluate

    tokens = ["khoa_học vốn", "vốn thị_trường", "khoa_học"]
    m = evaluate(tokens, [0, 0, 0], {0: ["khoa_học", "vốn"]}, ["a", "b", "a"], stopwords=[], vectorizer={"min_df": 2},
                 seed=1)
    assert m["lda_skipped"] == "3 units are fewer than the 10 a baseline is fitted on" and "lda_npmi" not in m
    assert -1 <= m["npmi"] <= 1 and m["topic_diversity"] == 1.0
    m = evaluate(["của và"] * 12, [0] * 12, {0: ["của"]}, None, stopwords=["của", "và"], vectorizer={"min_df": 2}, seed=1)
    assert m["lda_skipped"].startswith("no word is left for LDA") and "lda_npmi" not in m


# --- corpus paths ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case, expected", [
    ("empty_folder", "ingest: no usable article in {root}/data/raw (no files found)"),
    ("no_path", "ingest: corpus.path: {root}/data/raw/nothing_here does not exist"),
    ("no_sidecar", "ingest: corpus.sidecar = 'data/raw/meta.csv': no such file ({root}/data/raw/meta.csv)"),
])
def test_corpus_paths_that_hold_nothing_are_one_line(tmp_path, case, expected):
    from pipeline import workspace

    overrides = {"corpus.path": "data/raw/nothing_here" if case == "no_path" else "data/raw"}
    if case == "no_sidecar":
        overrides["corpus.sidecar"] = "data/raw/meta.csv"
    root = workspace.make(tmp_path / "p", overrides=overrides)
    if case != "no_path":
        (root / "data/raw").mkdir(parents=True)
    if case == "no_sidecar":
        (root / "data/raw/a.txt").write_text("Tiêu đề\n" + BODY * 3, encoding="utf-8")
    proc = workspace.run_stage(root, "ingest", timeout=300)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and len(lines) == 1
    assert expected.format(root=root) in lines[0]
