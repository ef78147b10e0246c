"""Round 4 of the speaker rules (canonical structures on new text): each test is one general mechanism, checked
leave one batch out (written from batches 1-3 and kept if neutral or better on batch 4, or the other way)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speech_helpers import named, quotes_of  # noqa: E402

from pipeline.speech.cues import sentences  # noqa: E402


def test_a_full_stop_inside_a_domain_name_ends_no_sentence():
    text = "Anh Lê Văn Tâm, chủ sở hữu Gophatdat.com cho biết: “Chúng tôi sẽ không ngừng cải thiện dịch vụ này”."
    assert len(sentences(text)) == 1
    assert named(quotes_of(text)) == [("Lê Văn Tâm", "person")]
    assert len(sentences("Dự án cầu Bình Triệu 2 bị treo.Riêng phần đền bù do ngân sách cấp.")) == 2


def test_a_dash_after_a_name_opens_an_apposition_that_runs_to_the_verb():
    q = quotes_of("Ông Phùng Hoài Dương - Giám đốc Kinh doanh, HP Việt Nam cho biết: “Phần mềm là một trong bốn "
                  "chiến lược chủ yếu của HP”.")
    assert named(q) == [("Phùng Hoài Dương", "person")]
    assert q["role"].iloc[0] == "Giám đốc Kinh doanh, HP Việt Nam"


def test_a_hamlet_in_the_apposition_is_a_place_not_the_speaker():
    q = quotes_of("Anh Trần Đức, chủ một trang trại thôn Trằm Ngang, xã Quảng Thái, giải thích: “Được tý đồng vốn nào "
                  "đã đổ hết xuống đất cát rồi”.")
    assert named(q) == [("Trần Đức", "person")]
