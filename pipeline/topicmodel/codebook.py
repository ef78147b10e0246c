"""The theme codebook as a topic model sees it: seed word lists for guided fitting, and the keywords a fitted
model's vocabulary cannot see. Kept apart from any one model: a seeded LDA would take the same lists."""
from __future__ import annotations


def seed_topics_from_themes(themes: dict[str, list[str]], tokenize) -> list[list[str]]:
    """The codebook's keywords in the vectorizer's form (segmented, lowercased), one list a theme."""
    out = []
    for words in themes.values():
        seg = [t.lower() for t in tokenize(words)]
        out.append([w for w in dict.fromkeys(seg) if w])
    return out


def codebook_coverage(seed_topic_list: list[list[str]], names: list[str], vocabulary, stopwords: list[str]) -> dict:
    """Codebook keywords the topic model cannot see: stopwords, or words outside the vectoriser's vocabulary
    (too rare, or segmented differently in the corpus). A theme whose keywords are all missing cannot be found."""
    vocab, stop = set(vocabulary), set(stopwords)
    out = {}
    for name, words in zip(names, seed_topic_list):
        missing = [w for w in words if w not in vocab or w in stop]
        if missing:
            out[name] = missing
    return out
