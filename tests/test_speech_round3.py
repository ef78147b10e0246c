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
