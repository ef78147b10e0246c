"""Round 10 of the speaker rules. Each test is one rule family kept under the rule pre-registered in
bench/SPEAKER_ROUND10_RULE.md: over the thirteen open splits (tune, holdout, holdout2-holdout12) it raised pooled
named-strict F1, lowered pooled precision by at most 0.01, improved at least two passages in at least two splits and
cost no split more than one true positive. Batch 13, coded blind, is the check. The first test of each family
failed before its rule; a test after it guards what the rule must not do."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speech_helpers import named, quotes_of  # noqa: E402

OPENS = ("Ngày 21-3, trả lời phóng viên, người phát ngôn Bộ Ngoại giao Lê Dũng cho biết: “Các cơ quan chức năng đã "
         "nhận được thông báo của phía bạn về việc ngừng chương trình hợp tác nghiên cứu.")
RUNS_ON = ("Chúng tôi luôn sẵn sàng hợp tác với các nhà khoa học trên thế giới để nghiên cứu, xử lý tác hại của chất "
           "độc da cam.")
CLOSES = "Quan điểm của chúng tôi là cần tiến hành ngay những hoạt động cứu trợ cho các nạn nhân”."


def test_a_quotation_left_open_runs_on_until_it_closes():
    # A: the paragraphs after '... cho biết: “...' are the same speaker's words until the closing mark
    q = quotes_of(OPENS, RUNS_ON, CLOSES)
    runs = q[q["resolution"] == "quotation_runs_on"]
    assert list(runs["speaker"]) == ["Lê Dũng", "Lê Dũng"]
    assert list(runs["unit_id"]) == ["u1", "u2"]
    assert set(runs["cue"]) == {"cho biết"} and set(runs["kind"]) == {"direct"}
    # and the paragraph after the closing one is the journalist's again
    q = quotes_of(OPENS, CLOSES, RUNS_ON)
    assert list(q.loc[q["resolution"] == "quotation_runs_on", "unit_id"]) == ["u1"]


def test_an_unmatched_mark_that_never_closes_carries_nothing_on():
    # an opening mark no later paragraph closes (within three) is as often a typo: nothing runs on
    q = quotes_of(OPENS, RUNS_ON, RUNS_ON, RUNS_ON, RUNS_ON)
    assert (q["resolution"] == "quotation_runs_on").sum() == 0
    # nor past an interview turn or a new quotation of its own
    q = quotes_of(OPENS, "- Ông đánh giá thế nào về chương trình này trong thời gian tới?”", CLOSES)
    assert (q["resolution"] == "quotation_runs_on").sum() == 0
    assert named(quotes_of(OPENS.replace("“", ""), RUNS_ON, CLOSES))[1:] == []


def test_a_name_never_begins_inside_a_country_or_a_province():
    # B: the country or province a name run was glued to goes to the role, or the "name" was only a place's tail
    q = quotes_of("Tổng thư ký của Liên đoàn Ảrập Amr Moussa cho rằng Powell là một tiếng nói trung dung trong chính "
                  "quyền Bush và đã làm việc rất tốt.")
    assert named(q) == [("Amr Moussa", "person")]
    q = quotes_of("Trận đấu vừa kết thúc, HLV phó của Thép Pomina Tiền Giang Văn Rạng cho rằng trọng tài đã bắt sai quả "
                  "việt vị ở những phút cuối cùng của trận đấu.")
    assert named(q) == [("Văn Rạng", "person")]
    q = quotes_of("Tiền đạo người Tây Ban Nha nói: \"Mọi người đều biết rằng tôi rất yêu Real Madrid và muốn cống hiến "
                  "cho đội bóng\".")
    assert named(q) == []


def test_a_one_word_country_that_is_also_a_given_name_stays():
    from pipeline.speech.names import strip_place

    # "Nga", "Đức", "Mỹ" are given names too; a place said in full is no glued prefix
    assert strip_place("Nga Thị Hồng", "chị") == "Nga Thị Hồng"
    assert strip_place("Đức Anh", "ông") == "Đức Anh"
    assert strip_place("Hà Nội", "UBND TP") == "Hà Nội"
    assert strip_place("Nguyễn Văn An", "Giám đốc Sở Y tế Long") == "Nguyễn Văn An"


def test_speech_verbs_the_coders_used_across_batches_count_before_punctuation_or_rang():
    # D: verbs of claiming, promising, demanding and testifying the coders coded in two or more batches
    q = quotes_of("Ông Trần Văn Minh hứa rằng công ty sẽ sớm khắc phục tình trạng này trong tháng tới.")
    assert named(q) == [("Trần Văn Minh", "person")]
    q = quotes_of("Ông Trần Văn Minh đồng tình rằng cần phải sửa đổi quy định này trong thời gian sớm nhất.")
    assert named(q) == [("Trần Văn Minh", "person")]
    q = quotes_of("Công ty Sông Tiền công bố rằng họ đã thu gom toàn bộ lô hàng trên để xử lý.")
    assert [n for n, _ in named(q)] == ["Sông Tiền"]
    # as nouns ("lời hứa của ông", "công bố kết quả") they still need the punctuation or "rằng" after them
    assert named(quotes_of("Ông Trần Văn Minh công bố kết quả cuộc khảo sát năm nay tại hội nghị tổng kết.")) == []
