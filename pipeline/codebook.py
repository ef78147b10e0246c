"""The theme rule, stated once: how many of a topic's c-TF-IDF words the theme score looks at, and the rule in
words as the report prints it. The topics stage writes that many words per topic, the themes stage scores
them, the report describes the rule; all three read it here (a shared module, not a stage)."""
from __future__ import annotations

THEME_TOP_TERMS = 50  # a topic's theme score looks at its this-many highest c-TF-IDF words


def theme_rule_text(min_score: float) -> str:
    """The theme rule in one paragraph, for the report's Themes section."""
    return (f"A topic's score for a theme is the share of its top-{THEME_TOP_TERMS} c-TF-IDF weight that falls on "
            "the theme's keywords, computed without guided mode's boost of codebook words so that the codebook does "
            "not inflate its own scores; the topic takes the highest-scoring theme when that score is at least "
            f"{min_score}, otherwise 'other'. An article's theme shares are the shares of its units in each theme.")
