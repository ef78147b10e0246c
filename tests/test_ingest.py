"""Ingest: every format, encoding and bad input of issue 3, through the pure core and the real stage."""
import codecs
import gzip
import json
import re

import pandas as pd
import pytest
import yaml

from pipeline.ingest import (IngestError, article_id_for, collect_files, decode, ingest_files, read_sidecar,
                             split_outlet_lead, to_frames)
from stage_helpers import FIXTURES, make_project, run_stage

SEED_000 = (FIXTURES / "seeds" / "000_3f0f000a6f2b3f54.txt").read_bytes()
SEED_004 = (FIXTURES / "seeds" / "004_2ea6dc5a586acea5.txt").read_bytes()
PAGE = (FIXTURES / "mixed" / "kinhtedothi_page.html").read_bytes()
EXPECTED = yaml.safe_load((FIXTURES / "seeds_expected.yaml").read_text(encoding="utf-8"))
ARTICLE = "Tiêu đề bài báo\nĐoạn thứ nhất về chuyển đổi số ở Hà Nội.\nĐoạn thứ hai về đổi mới sáng tạo."


def one(files, **kw):
    """Ingest and return (articles, rejected) as lists of dicts."""
    result = ingest_files(files, **kw)
    return result.articles, result.rejected


def has_paragraph(lines, para):
    return sum(1 for line in lines if line.startswith(para["start"]) and line.endswith(para["end"])) == 1


# --- plain text ------------------------------------------------------------------------------------------------

def test_txt_title_outlet_lead_and_body():
    (art,), rejected = one([("004_2ea6dc5a586acea5.txt", SEED_004)])
    exp = EXPECTED["004_2ea6dc5a586acea5.txt"]
    assert rejected == []
    assert art["article_id"] == "004_2ea6dc5a586acea5"
    assert art["title"] == exp["title"]
    assert art["source"] == "Kinhtedothi"
    lines = art["text"].split("\n")
    assert lines[0] == exp["title"]
    assert lines[1].startswith(exp["lead"]["start"])  # "Kinhtedothi - " is split off the lead
    assert not any(line.startswith("Kinhtedothi - ") for line in lines[:3])


def test_txt_without_outlet_lead():
    (art,), _ = one([("000_3f0f000a6f2b3f54.txt", SEED_000)])
    assert art["title"] == EXPECTED["000_3f0f000a6f2b3f54.txt"]["title"]
    assert art["source"] is None
    assert art["text"].split("\n")[1] == "Mở khóa tiềm năng"


@pytest.mark.parametrize("line, outlet", [
    ("Kinhtedothi - Triển khai Nghị quyết", "Kinhtedothi"),
    ("(NLĐ)- Sáng nay, tại Hà Nội", "NLĐ"),
    ("VOV.VN - Chiều nay", "VOV.VN"),
    ("TP.HCM - Sáng nay, tại quận 1", None),  # a dateline, part of the text
    ("HUẾ - Sáng nay", None),
    ("Chính quyền số - Kinh tế số - Xã hội số", None),
])
def test_outlet_lead_versus_dateline(line, outlet):
    found, rest = split_outlet_lead(line)
    assert found == outlet
    assert rest == (line if outlet is None else line.split("-", 1)[1].strip())


# --- encodings ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: codecs.BOM_UTF16_LE + t.replace("\n", "\r\n").encode("utf-16-le"),  # the VNTC originals
    lambda t: codecs.BOM_UTF16_BE + t.replace("\n", "\r\n").encode("utf-16-be"),
    lambda t: t.replace("\n", "\r\n").encode("utf-8"),
], ids=["utf8", "utf8-bom", "utf16le-bom-crlf", "utf16be-bom-crlf", "utf8-crlf"])
def test_supported_encodings_read_the_same_text(encode):
    text = SEED_004.decode("utf-8")
    (art,), rejected = one([("a.txt", encode(text))])
    (ref,), _ = one([("a.txt", SEED_004)])
    assert rejected == []
    assert art["text"] == ref["text"]
    assert "\r" not in art["text"] and "\ufeff" not in art["text"]


@pytest.mark.parametrize("data, words", [
    ("Café à Paris, garçon".encode("latin-1"), "not UTF-8"),
    (b"Ha\xcc N\xf4\xf2i \xf0\xf4\xd2i m\xf5\xeci sa\xecng ta\xf2o", "not UTF-8"),  # "Hà Nội đổi mới sáng tạo", Windows-1258
    (b"Tin t\xf8c H\xb5 N\xe9i\nKinh t\xd5 - x\xb7 h\xe9i Th\xf1 \xae\xab\n", "not UTF-8"),  # TCVN3 (ABC)
    ("Hà Nội đổi mới sáng tạo, quản lý đô thị".encode().decode("cp1252", "replace").encode("utf-8"),
     "mojibake"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary"),
    (b"abc\x00\x01\x02def" * 10, "binary"),
])
def test_undecodable_input_is_rejected_naming_the_file(data, words):
    arts, (rej,) = one([("thu_muc/bai.txt", data)])
    assert arts == []
    assert rej["item"] == "thu_muc/bai.txt"
    assert rej["code"] == "undecodable"
    assert "thu_muc/bai.txt" in rej["reason"] and words in rej["reason"]


def test_decode_error_names_the_file():
    with pytest.raises(IngestError, match=r"^legacy\.txt: not UTF-8 .*TCVN3"):
        decode(b"H\xb5 N\xe9i", "legacy.txt")


def test_real_vietnamese_is_not_taken_for_mojibake():
    text = "NGÃ BA ĐÀ NẴNG: Ã, Â, Ê là chữ cái tiếng Việt. Cà phê á? Ừ, ông Ánh à."
    assert decode(text.encode("utf-8"), "x.txt") == text


@pytest.mark.parametrize("data, code", [(b"", "empty_file"), (b"  \n\r\n\t ", "empty_file"),
                                        (codecs.BOM_UTF8 + b"\n\n", "empty_file"),
                                        (codecs.BOM_UTF16_LE + "  \r\n".encode("utf-16-le"), "empty_file")])
def test_empty_files(data, code):
    arts, (rej,) = one([("rong.txt", data)])
    assert arts == [] and rej["code"] == code and "rong.txt" in rej["reason"]


# --- gzip and format selection -----------------------------------------------------------------------------------

def test_gzip_files_are_read_by_inner_extension():
    lines = [json.dumps({"id": "a", "text": ARTICLE}, ensure_ascii=False), json.dumps({"id": "b", "text": ARTICLE + "!"})]
    files = [("bai.txt.gz", gzip.compress(SEED_004)), ("ds.jsonl.gz", gzip.compress("\n".join(lines).encode()))]
    arts, rejected = one(files)
    assert rejected == []
    assert [a["article_id"] for a in arts] == ["bai", "a", "b"]
    assert arts[0]["source"] == "Kinhtedothi"


def test_corrupt_gzip_is_rejected():
    arts, (rej,) = one([("hong.jsonl.gz", gzip.compress(b'{"text": "x"}')[:-12])])
    assert arts == [] and rej["code"] == "bad_gzip" and "hong.jsonl.gz" in rej["reason"]


def test_auto_format_rejects_unknown_extensions():
    arts, (rej,) = one([("ghi_chu.md", b"# notes"), ("bai.txt", ARTICLE.encode())])
    assert len(arts) == 1
    assert rej["item"] == "ghi_chu.md" and rej["code"] == "unknown_type"


def test_forced_format_overrides_extensions():
    record = json.dumps({"id": "r1", "text": ARTICLE}, ensure_ascii=False).encode()
    arts, rejected = one([("export.txt", record)], fmt="jsonl")
    assert rejected == [] and arts[0]["article_id"] == "r1" and arts[0]["text"] == ARTICLE
    # auto reads the same bytes as a one-line plain-text article: the JSON line is its body (no title of its own)
    arts, _ = one([("export.txt", record)])
    assert arts[0]["article_id"] == "export" and arts[0]["title"] is None and arts[0]["text"].startswith('{"id"')


def test_forced_html_on_txt_and_forced_txt_on_html():
    arts, _ = one([("trang.txt", PAGE)], fmt="html")
    assert arts[0]["date"] == "2026-01-09"
    arts, _ = one([("trang.html", PAGE)], fmt="txt")
    assert arts[0]["title"] == "<!DOCTYPE html>"  # read as text: the user asked for it


# --- HTML --------------------------------------------------------------------------------------------------------

def test_html_page_metadata_and_body():
    (art,), rejected = one([("kinhtedothi_page.html", PAGE)])
    exp = EXPECTED["004_2ea6dc5a586acea5.txt"]  # the page carries the text of seed 004
    assert rejected == []
    assert art["title"] == exp["title"]
    assert art["date"] == "2026-01-09"
    assert art["author"] == "Nguyễn Minh Hằng"
    assert art["url"] == "https://kinhtedothi.vn/ha-noi-tien-phong-dinh-hinh-mo-hinh-tang-truong.html"
    assert art["source"] == "Kinh tế & Đô thị"
    lines = art["text"].split("\n")
    assert lines[0] == exp["title"] and lines.count(exp["title"]) == 1  # the <h1> is not repeated
    assert lines[1].startswith(exp["lead"]["start"]) and lines[1].endswith(exp["lead"]["end"])
    for sub in exp["subheadings"]:
        assert sub in lines
    for para in exp["body"]:
        assert has_paragraph(lines, para), para["start"]
    assert len(lines) == 1 + 1 + len(exp["subheadings"]) + len(exp["body"])
    for noise in ["Trang chủ", "Thời sự", "Cơ quan chủ quản", "Bản quyền", "Chia sẻ", "Tin liên quan",
                  "Quốc Oai thực hiện", "Nhịp sống Thủ đô", *exp["unmarked_captions"]]:
        assert noise not in art["text"], noise


def test_html_without_article_body_is_rejected():
    arts, (rej,) = one([("muc_luc.html", (FIXTURES / "no_body_page.html").read_bytes())])
    assert arts == []
    assert rej["code"] == "no_html_body" and "muc_luc.html" in rej["reason"]


def test_html_with_only_script_is_rejected():
    arts, (rej,) = one([("trong.htm", b"<html><head><title>x</title></head><body><script>var a=1</script></body></html>")])
    assert arts == [] and rej["code"] == "no_html_body"


# --- JSON lines --------------------------------------------------------------------------------------------------

FIELDS = {"id": "ma", "title": "tieu_de", "text": "noi_dung", "date": "ngay", "source": "bao", "label": "nhan"}


def test_jsonl_with_fields_and_bad_lines():
    good = {"ma": "a1", "tieu_de": "Tiêu đề", "noi_dung": "Nội dung bài báo.", "ngay": "2025-07-04", "bao": "VOV",
            "nhan": "Xã hội"}
    lines = [json.dumps(good, ensure_ascii=False),
             '{"ma": "a2", "noi_dung": "thiếu dấu đóng"',             # line 2: malformed
             "",                                                     # blank lines are skipped
             json.dumps({"ma": "a3", "text": "sai tên cột"}),        # line 4: no noi_dung column
             json.dumps(["một", "mảng"], ensure_ascii=False),        # line 5: not an object
             json.dumps({"ma": "a6", "noi_dung": "   "}),            # line 6: empty text
             json.dumps({"ma": "a1", "noi_dung": "trùng mã"}, ensure_ascii=False),  # line 7: duplicate id
             json.dumps({"noi_dung": "Không có mã."}, ensure_ascii=False)]          # line 8: id from position
    arts, rejected = one([("du_lieu.jsonl", "\n".join(lines).encode())], fields=FIELDS)
    assert [a["article_id"] for a in arts] == ["a1", "du_lieu:8"]
    a1 = arts[0]
    assert (a1["title"], a1["date"], a1["source"], a1["label"]) == ("Tiêu đề", "2025-07-04", "VOV", "Xã hội")
    assert a1["text"] == "Tiêu đề\nNội dung bài báo."  # the title heads the text, as in a .txt file
    assert a1["item"] == "du_lieu.jsonl:1" and a1["file"] == "du_lieu.jsonl"
    by_item = {r["item"]: r for r in rejected}
    assert set(by_item) == {"du_lieu.jsonl:2", "du_lieu.jsonl:4", "du_lieu.jsonl:5", "du_lieu.jsonl:6", "du_lieu.jsonl:7"}
    assert by_item["du_lieu.jsonl:2"]["code"] == "malformed_json" and "line 2" in by_item["du_lieu.jsonl:2"]["reason"]
    assert by_item["du_lieu.jsonl:4"]["code"] == "missing_text_column" and "'noi_dung'" in by_item["du_lieu.jsonl:4"]["reason"]
    assert by_item["du_lieu.jsonl:5"]["code"] == "malformed_json"
    assert by_item["du_lieu.jsonl:6"]["code"] == "empty_text"
    assert by_item["du_lieu.jsonl:7"]["code"] == "duplicate_id" and "du_lieu.jsonl:1" in by_item["du_lieu.jsonl:7"]["reason"]


def test_json_array_file():
    data = json.dumps([{"text": ARTICLE}, {"text": ARTICLE + " Thêm."}], ensure_ascii=False).encode()
    arts, rejected = one([("mang.json", data)])
    assert rejected == [] and [a["article_id"] for a in arts] == ["mang:1", "mang:2"]


def test_vntc_style_utf16_jsonl():
    rec = {"id": "train/XH_NLD_ (3672)", "text": "Hoà bình (NLĐ)- Nội dung", "source": "nld.com.vn", "label": "Xa hoi"}
    data = codecs.BOM_UTF16_LE + (json.dumps(rec, ensure_ascii=False) + "\r\n").encode("utf-16-le")
    (art,), rejected = one([("vntc.jsonl", data)], fields={"id": "id", "text": "text", "source": "source", "label": "label"})
    assert rejected == [] and art["article_id"] == "train/XH_NLD_ (3672)" and art["text"] == rec["text"]


# --- CSV ---------------------------------------------------------------------------------------------------------

def test_csv_with_bom_crlf_and_multiline_fields():
    text = ('ma,noi_dung,ngay\r\n'
            'c1,"Tiêu đề một\r\nĐoạn một, có dấu phẩy.\r\nĐoạn hai.",04/07/2025\r\n'
            'c2,"Bài hai ""trích dẫn""",2025-07-05\r\n')
    arts, rejected = one([("bang.csv", codecs.BOM_UTF8 + text.encode("utf-8"))], fields={"id": "ma", "text": "noi_dung", "date": "ngay"})
    assert rejected == []
    assert [a["article_id"] for a in arts] == ["c1", "c2"]
    assert arts[0]["text"].split("\n")[1] == "Đoạn một, có dấu phẩy."
    assert arts[1]["text"] == 'Bài hai "trích dẫn"'
    assert arts[1]["item"] == "bang.csv:5"  # the record starts on line 5: record 1 spans lines 2-4


def test_csv_missing_text_column_is_one_rejection_for_the_file():
    arts, rejected = one([("bang.csv", b"id,body\n1,abc\n2,def\n")], fields={"id": "id", "text": "text"})
    assert arts == []
    assert len(rejected) == 1
    assert rejected[0]["code"] == "missing_text_column" and "'text'" in rejected[0]["reason"] and "body" in rejected[0]["reason"]


def test_csv_ragged_row_and_long_field():
    long_text = "Đổi mới sáng tạo. " * 10_000  # 180,000 characters: over csv's default field limit
    text = f'id,text\nc1,"{long_text}"\nc2,ngắn,thừa\nc3,Bình thường\n'
    arts, rejected = one([("bang.csv", text.encode("utf-8"))], fields={"id": "id", "text": "text"})
    assert [a["article_id"] for a in arts] == ["c1", "c3"]
    assert len(arts[0]["text"]) == len(long_text.strip())
    assert rejected[0]["item"] == "bang.csv:3" and rejected[0]["code"] == "malformed_csv"
    assert "3 fields" in rejected[0]["reason"]


# --- ids, folders, sidecar ---------------------------------------------------------------------------------------

def test_ids_are_relative_paths_so_same_names_in_subfolders_do_not_collide():
    arts, rejected = one([("2024/bai.txt", ARTICLE.encode()), ("2025/bai.txt", (ARTICLE + " Mới.").encode())])
    assert rejected == [] and [a["article_id"] for a in arts] == ["2024/bai", "2025/bai"]
    assert article_id_for("a/b/x.txt.gz") == "a/b/x"


def test_collect_files_skips_hidden_files_and_the_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "meta.csv").write_text("file,series\na.txt,X\n", encoding="utf-8")
    names = [n for n, _ in collect_files(tmp_path, skip={(tmp_path / "meta.csv").resolve()})]
    assert names == ["a.txt", "sub/b.txt"]


def test_sidecar_overrides_detection():
    sidecar = read_sidecar(codecs.BOM_UTF8 + (
        "file,series,part,date,outlet,url\n"
        "000_3f0f000a6f2b3f54.txt,Loạt bài Hà Nội cất cánh,7,2025-07-04,Báo Kinh tế & Đô thị,https://kinhtedothi.vn/a\n"
    ).encode(), "meta.csv")
    (art,), _ = one([("000_3f0f000a6f2b3f54.txt", SEED_000)], sidecar=sidecar)
    assert art["series"] == "Loạt bài Hà Nội cất cánh"
    assert art["part"] == "7"
    assert art["source"] == "Báo Kinh tế & Đô thị"
    assert (art["date"], art["url"]) == ("2025-07-04", "https://kinhtedothi.vn/a")


def test_sidecar_matches_by_relative_path_or_base_name():
    sidecar = read_sidecar(b"file,source\nsub/a.txt,X\nb.txt,Y\n", "meta.csv")
    arts, _ = one([("sub/a.txt", ARTICLE.encode()), ("sub/b.txt", (ARTICLE + "!").encode())], sidecar=sidecar)
    assert [a["source"] for a in arts] == ["X", "Y"]


@pytest.mark.parametrize("csv_text, message", [
    (b"name,series\na.txt,X\n", "needs a 'file' column"),
    (b"file,colour\na.txt,red\n", "unknown sidecar column 'colour'"),
    (b"file,part\na.txt,hai\n", "line 2: part 'hai' must be a whole number"),
])
def test_bad_sidecar_is_an_error_naming_it(csv_text, message):
    with pytest.raises(IngestError, match=f"^meta.csv: .*{message}"):
        read_sidecar(csv_text, "meta.csv")


def test_to_frames_types():
    articles, rejected = to_frames(ingest_files([("a.txt", ARTICLE.encode()), ("b.md", b"x")]))
    assert list(articles["article_id"]) == ["a"]
    assert str(articles["part"].dtype) == "Int64"
    assert list(rejected.columns) == ["item", "article_id", "stage", "code", "reason", "kept_id"]


# --- the real stage ----------------------------------------------------------------------------------------------

def test_ingest_stage_on_a_folder_with_sidecar_and_utf16(tmp_path):
    raw = make_project(tmp_path, sidecar="data/meta.csv")
    (raw / "vntc_goc.txt").write_bytes(codecs.BOM_UTF16_LE + SEED_000.decode("utf-8").replace("\n", "\r\n").encode("utf-16-le"))
    (raw / "004.txt").write_bytes(SEED_004)
    (raw / "hong.txt").write_bytes(b"\xff\xd8\xff\xe0JFIF")
    (tmp_path / "data" / "meta.csv").write_text("file,outlet,date\n004.txt,Kinh tế & Đô thị,09/01/2026\n", encoding="utf-8")
    proc = run_stage(tmp_path, "ingest")
    assert proc.returncode == 0, proc.stderr
    arts = pd.read_parquet(tmp_path / "data/interim/raw_articles.parquet")
    rej = pd.read_csv(tmp_path / "data/interim/ingest_rejected.csv")
    assert sorted(arts["article_id"]) == ["004", "vntc_goc"]
    row = arts.set_index("article_id").loc["004"]
    assert (row["source"], row["date"]) == ("Kinh tế & Đô thị", "09/01/2026")  # the clean stage makes dates ISO
    assert list(rej["item"]) == ["hong.txt"] and "JPEG" in rej["reason"][0]


def test_ingest_stage_fails_when_nothing_is_usable(tmp_path):
    raw = make_project(tmp_path)
    (raw / "rong.txt").write_bytes(b"")
    (raw / "tcvn3.txt").write_bytes(b"H\xb5 N\xe9i")
    proc = run_stage(tmp_path, "ingest")
    assert proc.returncode != 0
    assert "no usable article" in proc.stderr and "tcvn3.txt" in proc.stderr and "rong.txt" in proc.stderr
    assert not (tmp_path / "data/interim/raw_articles.parquet").exists()


# --- params of the ingest and clean stages -----------------------------------------------------------------------

@pytest.mark.parametrize("section, key, value, message", [
    ("corpus", "path", None, "corpus.path = None must name a file or folder"),
    ("corpus", "format", "xml", "corpus.format = 'xml' must be one of: auto, txt"),
    ("corpus", "language", "Vietnamese", "corpus.language = 'Vietnamese' must be null or a language code such as 'vi'"),
    ("corpus", "sidecar", 3, "corpus.sidecar = 3 must be null or a path"),
    ("corpus", "fields", {"text": "body", "colour": "c"}, "corpus.fields.colour is not a known key; allowed: id, title, text"),
    ("clean", "min_chars", 200_000, "clean.min_chars = 200000 must be below clean.max_chars"),
    ("clean", "near_duplicate_threshold", 1.5, "clean.near_duplicate_threshold = 1.5 must be a number in (0, 1]"),
    ("clean", "tone_marks", "old", "clean.tone_marks = 'old' must be one of: new, keep"),
])
def test_bad_corpus_and_clean_params_name_the_key(section, key, value, message):
    from pipeline import params as P
    from stage_helpers import REPO

    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    params[section][key] = value
    with pytest.raises(P.ParamsError, match=re.escape(message)):
        P.validate(params)


def test_repo_params_are_valid_with_part_and_author_fields():
    from pipeline import params as P
    from stage_helpers import REPO

    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    params["corpus"]["fields"].update({"part": "ky", "author": "tac_gia"})
    params["corpus"]["language"] = None
    assert P.validate(params).to_dict() == params
