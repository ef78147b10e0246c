"""Round 21 of the speaker rules. The tests are the rule families kept under the rule pre-registered in
bench/SPEAKER_ROUND21_RULE.md: over the thirty-four open splits (tune, holdout, holdout2-holdout33) each raised pooled
named-strict F1 without lowering pooled precision, improved passages in at least two splits and cost no split a true
positive. Batch 34, coded blind, is the check, and batch 35 the check again. The first tests failed before the
families (checked with the change stashed); the others guard what they must not do."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speech_helpers import named, quotes_of  # noqa: E402


def test_a_given_name_that_is_a_modal_word_is_the_name():
    # M: "Cần", "Được", "Đáng" capitalised after a name or an honorific end the name; the cue is a speech act
    q = quotes_of("Ông Thạch Cần cho biết ngoài các giải pháp đẩy mạnh hội nhập, việc hình thành các tổ chức tư vấn "
                  "cũng đang được xúc tiến.")
    assert named(q) == [("Thạch Cần", "person")]
    q = quotes_of("Ông Đáng cho biết, hiện cả nước có hơn 2 triệu hộ nghèo cần được hỗ trợ vốn vay.")
    assert named(q) == [("Đáng", "person")]


def test_a_modal_word_in_lower_case_still_blocks_the_cue():
    # M must not make "cần / được / đáng" before a verb a speech act: "cần cho biết", "được yêu cầu"
    q = quotes_of("Các doanh nghiệp cần cho biết rõ nguồn gốc hàng hóa nhập khẩu trước ngày 15 tháng này.")
    assert named(q) == []
    q = quotes_of("Công ty Bảo Minh được yêu cầu báo cáo toàn bộ các hợp đồng bảo hiểm đã ký trong năm qua.")
    assert named(q) == []
