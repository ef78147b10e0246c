"""Round 11 of the speaker rules. Each test is one rule family kept under the rule pre-registered in
bench/SPEAKER_ROUND11_RULE.md: over the fourteen open splits (tune, holdout, holdout2-holdout13) it raised pooled
named-strict F1, lowered pooled precision by at most 0.01, improved at least two passages in at least two splits and
cost no split more than one true positive. Batch 14, coded blind, is the check. The first test of each family
failed before its rule; a test after it guards what the rule must not do."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speech_helpers import named, quotes_of  # noqa: E402


def test_an_organisation_named_only_by_a_description_is_the_one_that_spoke_before():
    # G: "Hãng an ninh Nga" after "Theo Kaspersky" is Kaspersky, not an organisation called "Hãng an ninh Nga"
    q = quotes_of("Theo Kaspersky, virus này mang mưu toan kiếm tiền bằng cách ăn cắp thông tin tài chính. Hãng an ninh "
                  "Nga cho biết, chỉ 4 tiếng sau khi sâu Bizzex xuất hiện, website jokeworld đã đóng cửa.")
    assert named(q) == [("Kaspersky", "org"), ("Kaspersky", "org")]
    # with no organisation before it, a description is an unnamed source
    q = quotes_of("Hãng hàng không quốc gia Singapore hôm nay khẳng định sẽ thực hiện hợp đồng mua 10 chiếc A380 từ "
                  "Airbus.")
    assert named(q) == []


def test_a_company_with_a_name_of_its_own_keeps_it():
    q = quotes_of("Công ty Sông Tiền cho biết họ đã thu gom toàn bộ lô hàng trên để xử lý trong tuần tới.")
    assert [n for n, _ in named(q)] == ["Sông Tiền"]
    # after another organisation spoke, a head with a proper name is still that body, not the one before
    q = quotes_of("Theo Kaspersky, virus này mang mưu toan kiếm tiền bằng cách ăn cắp thông tin tài chính.",
                  "Tập đoàn Dầu khí Việt Nam cho biết họ sẽ phát hành báo cáo trong tuần tới.",
                  "Chính phủ Nhật Bản cho biết sẽ viện trợ thêm cho các nước bị thiên tai trong năm nay.")
    assert named(q)[1:] == [("Tập đoàn Dầu khí Việt Nam", "org"), ("Chính phủ Nhật Bản", "org")]


def test_a_name_that_ends_in_an_initial_keeps_it():
    # I: "Nguyễn Văn D." and a later "chị H." are that person, the initial included
    q = quotes_of("Anh Nguyễn Văn D. (ấp 5, Tà Lài) cho biết phong trào bắt bò cạp rộ lên từ năm ngoái, khi cà phê mất "
                  "giá.")
    assert named(q) == [("Nguyễn Văn D.", "person")]
    q = quotes_of("Chị Nguyễn Thị H. đưa bé đến Trung tâm Tham vấn tâm lý trẻ em. Theo chị H. mô tả thì hằng đêm bé lại "
                  "giật mình tỉnh dậy rồi khóc thét.")
    assert named(q) == [("Nguyễn Thị H.", "person")]


def test_a_full_name_before_a_full_stop_is_no_initial():
    from pipeline.speech.names import person_names

    assert [n for _, _, n in person_names("Người phát biểu là ông Nguyễn Văn An. Sau đó hội nghị bế mạc.")] == \
        ["Nguyễn Văn An"]
    # three syllables and an initial: a name and the next sentence's "A." are not joined
    assert [n for _, _, n in person_names("Ông Trần Văn Minh A. Sau đó")] == ["Trần Văn Minh"]
