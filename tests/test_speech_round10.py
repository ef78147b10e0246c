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
