"""Round 3 of the speaker rules (recall on new text): each test is one rule family, written from batches 1-2."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speech_helpers import named, quotes_of  # noqa: E402


def test_theo_before_a_speech_verb_used_as_a_noun_and_theo_x_thi():
    q = quotes_of("Theo giải thích của Bộ Tài chính, mức thuế mới chỉ áp dụng từ năm sau cho hàng nhập khẩu.",
                  "Theo ông Lê Văn Tâm thì giá xăng sẽ còn tăng trong những tháng tới.")
    assert named(q) == [("Bộ Tài chính", "org"), ("Lê Văn Tâm", "person")]


def test_theo_a_directive_noun_says_why_not_what():
    q = quotes_of("Theo yêu cầu của Bộ Tài chính, các doanh nghiệp phải nộp báo cáo trước ngày 15.",
                  "Theo chỉ đạo của UBND tỉnh, các xã đã ra quân dọn vệ sinh.")
    assert named(q) == []


def test_theo_a_full_name_after_any_description():
    q = quotes_of("Nhưng theo lương y Trần Khiết, giảng viên Đại học Y Dược, nhiều khả năng do thức ăn gây ra.",
                  "Theo lời khai của Trần Thế Hùng, hai bên được hưởng lợi 200 đồng mỗi lít xăng.")
    assert named(q) == [("Trần Khiết", "person"), ("Trần Thế Hùng", "person")]


def test_a_request_in_an_application_is_a_noun():
    q = quotes_of("Luật sư của bị can Lê Văn Tâm đã có đơn đề nghị.")
    assert named(q) == []


def test_a_colon_after_a_titled_name_or_a_name_and_its_predicate_introduces_the_quotation():
    q = quotes_of("Giám đốc Sở TDTT Nghệ An Nguyễn Hoàng Thụ: “Tôi thấy chán cái trò khủng bố tin nhắn này lắm rồi”.",
                  "Ông Trần Văn Cường đánh giá về trận thắng trước Campuchia: “Tỷ số như vậy chẳng có gì đặc biệt cả”.")
    assert named(q) == [("Nguyễn Hoàng Thụ", "person"), ("Trần Văn Cường", "person")]


def test_a_one_word_name_before_a_colon_speaks_only_as_a_person():
    q = quotes_of("Ruud Gullit và HLV của CLB AZ Alkmaar, Co Adriaanse, phản đối ác liệt nhất.",
                  "Adriaanse quả quyết: “Hà Lan chẳng mong có danh hiệu gì nếu cứ tiếp tục như thế”.",
                  "Giữa trưa, Long lên tiếng đòi tiền.",  # capitalised inside a sentence: a name, not position
                  "Long thuyết phục: “Em đã nhiệt tình với các anh chị rồi thì cũng đáp lại chút chi cho em”.",
                  "Olympia còn tiếp tục: “Giải năm nay sẽ có thêm nhiều hạng mục dành cho học sinh”.")
    assert named(q) == [("Co Adriaanse", "person"), ("Long", "person")]


def test_a_given_name_alone_is_a_person_and_a_place_is_no_given_name():
    q = quotes_of("Nhóm sinh viên bán cờ ở chợ Bến Thành suốt buổi sáng.",
                  "Thành, trưởng nhóm cho biết, nhóm đã chuẩn bị kinh doanh mặt hàng này từ nửa tháng nay.",
                  "Mặt e thẹn, Hồng - cũng lớp phục vụ - cho biết: “Lần đầu mới nếm thử đã thấy mắt mũi ngà ngà rồi”.")
    assert named(q) == [("Thành", "person"), ("Hồng", "person")]


def test_a_light_verb_before_a_speech_noun_is_no_part_of_the_name():
    q = quotes_of("Ngày 11/7, Hội Luật gia Việt Nam đã ra tuyên bố ủng hộ các nạn nhân chất độc da cam.",
                  "Tổ chức Xúc tiến Thương mại Nhật Bản Jetro đã đưa ra nhận định, Việt Nam là điểm đến hấp dẫn.")
    assert [s for s, _ in named(q)] == ["Hội Luật gia Việt Nam", "Tổ chức Xúc tiến Thương mại Nhật Bản Jetro"]


def test_guards_of_the_round_3_rules():
    q = quotes_of("Theo yêu cầu của Chủ tịch QH Nguyễn Văn An, thời gian giám sát sẽ tăng lên.",
                  "Ủy ban Thường vụ QH đã nhất trí đặt ra yêu cầu các bộ báo cáo trước ngày 15.",
                  "Báo Granma ca ngợi thành tựu của Việt Nam\nBài báo kết luận: “Rõ ràng đây là một Đại hội trọng đại với "
                  "nhiều chỉ tiêu”.", "Trong thông cáo, BAI cho biết sẽ điều tra để xác định ai vi phạm.")
    assert "Nguyễn Văn An" not in q["speaker"].tolist()  # at his request, not his words
    assert "Ủy ban Thường vụ QH đã nhất trí đặt" not in q["speaker"].tolist()  # "đặt ra": no light verb cut
    assert "Bài" not in q["speaker"].tolist()  # a paragraph's first word is capitalised by position
    assert ("BAI", "org") in named(q)  # an acronym is no given name
