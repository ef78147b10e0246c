"""The speaker's slot in Vietnamese reporting constructions: content, then the speaker with an apposition, then the
verb; names that are objects of a preposition; appositions in several parts; a short name resolved to a full name
given later; questions; sentence-initial pronouns. Example sentences written for these tests."""
from __future__ import annotations


import pytest

from pipeline.speech import names as N
from pipeline.speech import speakers as S

from speech_helpers import named, quotes_of




def test_content_first_then_the_speaker_with_an_apposition():
    q = quotes_of("Giá thép sẽ còn tăng trong quý tới, Lê Quang Minh, chuyên gia của một quỹ đầu tư, nhận định.")
    assert named(q) == [("Lê Quang Minh", "person")]
    assert q.iloc[0]["role"] == "chuyên gia của một quỹ đầu tư"
    assert q.iloc[0]["quote"].startswith("Giá thép sẽ còn tăng")  # the content is before the speaker


def test_an_unknown_name_before_its_apposition_is_a_person_or_a_company():
    q = quotes_of("Chúng tôi sẽ mở thêm hai nhà máy trong năm tới, Maria Olsen, giám đốc khu vực của hãng, cho biết.")
    assert named(q) == [("Maria Olsen", "person")]
    q = quotes_of("Doanh thu năm nay sẽ tăng gấp đôi, Vinacorp, công ty dẫn đầu thị trường phần mềm, cho biết.")
    assert named(q) == [("Vinacorp", "org")]


def test_a_name_after_a_preposition_is_not_the_speaker():
    q = quotes_of("Liên quan đến ông Phạm Văn Tâm, hôm qua, cơ quan công an cho biết đã hoàn tất hồ sơ vụ án.")
    assert named(q) == [("cơ quan công an", "org")]


def test_a_role_in_several_comma_parts_stays_whole():
    q = quotes_of("Ông Hồ Quang Vinh, Phó phòng Kế hoạch, Sở Giao thông vận tải, cho biết tuyến đường sẽ thông xe "
                  "vào tháng sau.")
    assert named(q) == [("Hồ Quang Vinh", "person")]
    assert q.iloc[0]["role"] == "Phó phòng Kế hoạch, Sở Giao thông vận tải"


def test_a_lone_name_takes_the_full_name_the_article_gives_later():
    q = quotes_of("Nghề này vất vả lắm nhưng tôi vẫn yêu biển, Tâm, người gác đèn ở đảo, nói.",
                  "Anh Đỗ Minh Tâm, 31 tuổi, đã làm việc ở đây sáu năm.")
    assert named(q) == [("Đỗ Minh Tâm", "person")]


def test_an_office_before_the_city_and_its_holder():
    q = quotes_of("Chánh Thanh tra TP Đoàn Văn Kiên cho biết, năm nay đã có 120 cuộc thanh tra.")
    assert named(q) == [("Đoàn Văn Kiên", "person")]


@pytest.mark.parametrize("text, names", [
    ("ông Vũ Đức Hải, Chủ tịch UBND H.Lương Tài", ["Vũ Đức Hải"]),  # H. = huyện: a place, not a name
    ("Giám đốc Sở Công Thương Hậu Giang Trịnh Văn Lợi", ["Trịnh Văn Lợi"]),  # a place's last syllable is no surname
    ("ông Trần Văn Hà và bà Nguyễn Lê Minh Anh", ["Trần Văn Hà", "Nguyễn Lê Minh Anh"]),  # two surnames in a name
])
def test_names_next_to_places(text, names):
    assert [n for _, _, n in N.person_names(text)] == names


@pytest.mark.parametrize("text", [
    "Họ khẳng định nguồn nước đã bị nhiễm bẩn từ nhiều ngày trước.",  # a pronoun, capitalised by its position
    "Nhiều hộ dân như các anh Phúc, Lộc, Thọ... cho biết nước sông đã đổi màu.",  # a list, no one named
    "Ông Lại Văn Sâm cho rằng giá điện phải tăng, ông nghĩ sao?",  # an interviewer's question
])
def test_no_named_speaker(text):
    assert named(quotes_of(text)) == []


def test_a_capitalised_word_said_inside_a_sentence_before_is_a_name_at_the_start_too():
    q = quotes_of("Sản phẩm mới của Viettel đã ra mắt hôm qua.", "Viettel cho biết, giá bán sẽ giảm 10%.")
    assert named(q) == [("Viettel", "org")]


def test_an_abbreviated_title_before_a_short_name():
    ctx = S.ArticleContext()
    ctx.mention("Lạc Văn Tùng", None)
    sp = S.parse_speaker("KS Tùng", ctx, use_ner=False)
    assert (sp.name, sp.kind) == ("Lạc Văn Tùng", "person")


def test_a_country_the_tagger_calls_a_person_is_none(monkeypatch):
    monkeypatch.setattr(S, "ner_entities", lambda text: [("PER", "Ai Cập")])
    assert S.parse_speaker("Cảnh sát Ai Cập", S.ArticleContext()) is None or \
        S.parse_speaker("Cảnh sát Ai Cập", S.ArticleContext()).name != "Ai Cập"


def test_according_to_runs_on_to_the_name_a_title_leads_to():
    q = quotes_of("Theo Chủ nhiệm Ủy ban Kinh tế, Tài chính, Ngân sách của QH Phan Văn Tường, cần bổ sung quy định về thuế.")
    assert named(q) == [("Phan Văn Tường", "person")]
    assert q.iloc[0]["quote"] == "cần bổ sung quy định về thuế."


def test_according_to_takes_the_role_after_the_name_not_the_content():
    q = quotes_of("Theo ông Lý Minh Đức, Phó Viện trưởng Viện Kinh tế, tăng trưởng sẽ chậm lại.")
    assert (q.iloc[0]["speaker"], q.iloc[0]["role"], q.iloc[0]["quote"]) == (
        "Lý Minh Đức", "Phó Viện trưởng Viện Kinh tế", "tăng trưởng sẽ chậm lại.")
    q = quotes_of("Theo ông Lý Minh Đức, tăng trưởng sẽ chậm lại, nhất là ở miền Bắc.")
    assert (q.iloc[0]["role"], q.iloc[0]["quote"]) == ("", "tăng trưởng sẽ chậm lại, nhất là ở miền Bắc.")
