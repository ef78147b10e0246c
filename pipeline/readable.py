"""Which rows of a result table a reader is shown: one filter for each table that both a figure (figures stage)
and the report draw, so that the report's table never lists a row its figure leaves out. Pure pandas, no
plotting: the report imports it without matplotlib."""
from __future__ import annotations

import re

import pandas as pd

# heads of an institution's name that name no one on their own ("Bộ" without which ministry): a speaker
# extractor that stops early leaves them; neither the figure nor the table counts them as actors
GENERIC_HEADS = {"bộ", "sở", "ban", "ban tổ chức", "ủy ban", "uỷ ban", "ubnd", "công ty", "cơ quan", "viện", "cục",
                 "tổng cục", "phòng", "trường", "tòa án", "có ý kiến", "nhà nước", "ngành", "hội", "tổ chức"}
ACTOR_MIN_ARTICLES = 2  # a speaker quoted in fewer articles rests on one story
# bits of addresses that word counts pick up from bylines and links, never words of the text
URL_BITS = {"com", "vn", "www", "http", "https", "html", "htm", "net", "org", "php", "asp", "aspx"}
WORD_MIN_ARTICLES = 3   # a distinctive word in fewer of a group's articles is one or two stories' word
WORD_MIN_COUNT = 5      # the same, where a table has counts but no article count


def named_actors(actors: pd.DataFrame, min_articles: int = ACTOR_MIN_ARTICLES) -> pd.DataFrame:
    """Speakers that name someone (not a bare generic head, not one letter) and are quoted in at least
    min_articles articles (where the table counts articles), so that no bar or row rests on one story."""
    name = actors["actor"].astype(str).str.strip()
    keep = ~name.str.lower().isin(GENERIC_HEADS) & (name.str.len() > 1)
    if "n_articles" in actors:
        keep &= actors["n_articles"].fillna(0).astype(int) >= min_articles
    return actors[keep]


def readable_words(distinctive: pd.DataFrame, min_count: int = WORD_MIN_COUNT,
                   min_articles: int = WORD_MIN_ARTICLES) -> pd.DataFrame:
    """The distinctive words a reader can use: z > 0, at least two letters, not a bit of a web address, and
    seen often enough (`n_articles` ≥ min_articles where the table has an article count, else `count` ≥
    min_count) that one or two stories cannot make them."""
    word = distinctive["word"].astype(str)
    letters = word.map(lambda w: len(re.sub(r"[\W\d_]", "", w)))
    keep = (distinctive["z"] > 0) & (letters >= 2) & ~word.str.lower().isin(URL_BITS)
    if "n_articles" in distinctive:
        keep &= distinctive["n_articles"] >= min_articles
    elif "count" in distinctive:
        keep &= distinctive["count"] >= min_count
    return distinctive[keep]


# the filters in words, for the report's sentence above each table
# The report's table keeps speakers of one article (with their article count beside them): in a study of one
# series every speaker is one article's, and the table is where a reader finds them; the figure's bars do not.
TABLE_ACTOR_MIN_ARTICLES = 1
ACTORS_RULE = ("named speakers; bare heads of an institution's name (such as “Bộ” or “Sở” alone) left out, as in "
               f"the figure, which also leaves out speakers quoted in fewer than {ACTOR_MIN_ARTICLES} articles")
WORDS_RULE = (f"words of one letter, parts of web addresses and words in fewer than {WORD_MIN_ARTICLES} of the "
              "group's articles left out, as in the figure")
