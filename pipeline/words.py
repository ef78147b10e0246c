"""Vietnamese words, shared by the stages that need them (segment, topics, evaluate, themes, compare, discourse).

underthesea's word_tokenize joins multi-syllable words with "_" (đổi_mới_sáng_tạo); terms of the domain
dictionary are kept whole in any letter case; text is segmented sentence by sentence; standard abbreviations are
expanded first; an optional POS filter keeps only the listed parts of speech (underthesea's offline CRF tagger).
The vocabulary of the topic model (TOKEN_PATTERN, make_vectorizer, the stopwords) lives here too, so that the
topic model, its LDA baseline and the comparisons count the same words.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.text import stopword_list

TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w]+\b"  # a word starts with a letter: drops numbers, keeps đổi_mới
_PUNCT_TOKEN = re.compile(r"^[\W_]+$")


def dictionary_variants(terms: list[str]) -> list[str]:
    """Each term as a case-insensitive pattern for underthesea's fixed_words, longest first so that "khoa học và
    công nghệ" wins over "khoa học". underthesea pastes fixed words into its tokenizer regex with only the spaces
    escaped, so the rest is escaped here and wrapped in (?i:...): "Bộ Khoa học và Công nghệ", headlines in capitals
    and sentence case all match one entry."""
    variants = set()
    for term in terms:
        term = " ".join(term.split())
        if term:
            variants.add("(?i:" + "".join(ch if ch == " " else re.escape(ch) for ch in term) + ")")
    return sorted(variants, key=lambda v: (-len(v), v))


@lru_cache(maxsize=8)
def _abbreviation_pattern(items: tuple[tuple[str, str], ...]) -> re.Pattern | None:
    """One case-sensitive whole-word regex over the abbreviations, longest first (TP.HCM before TP); built once
    per set of abbreviations, not per text."""
    keys = sorted((k for k, _ in items if k.strip()), key=lambda k: (-len(k), k))
    if not keys:
        return None
    return re.compile(r"(?<![\w.&])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w&])")


def expand_abbreviations(text: str, abbreviations: dict[str, str] | None) -> str:
    """CNTT -> công nghệ thông tin, so that an abbreviation counts as the word it stands for (tokens only:
    the quotable text keeps the original)."""
    pattern = _abbreviation_pattern(tuple(sorted((abbreviations or {}).items())))
    return pattern.sub(lambda m: abbreviations[m.group(0)], text) if pattern else text


def pos_tag_tokens(tokens: list[str]) -> list[str]:
    """VLSP tags (N, Np, Nb, V, A, ...) of already segmented tokens of one sentence: underthesea's VLSP-2013 CRF
    tagger (the model behind pos_tag(model="v2.0")) on our own tokens, because pos_tag() re-segments without
    the domain dictionary."""
    return pos_tag_many([tokens])[0]


def pos_tag_many(sentences: list[list[str]]) -> list[list[str]]:
    """pos_tag_tokens of many sentences in one batch (pipeline.crf: identical tags, a fraction of the time)."""
    from pipeline import crf

    return [[tag[2:] if tag[:2] in ("B-", "I-") else tag for tag in tags] for tags in crf.pos_tagger().tag(sentences)]


def sentences(text: str) -> list[str]:
    """Lines, then underthesea's sentences: the CRF segmenter otherwise joins words across a full stop
    ("TPHCM. Ông") or a paragraph break."""
    from underthesea import sent_tokenize

    return [s for line in text.split("\n") if line.strip() for s in sent_tokenize(line) if s.strip()]


def tokenize_texts(texts: list[str], dictionary: list[str] | None = None, pos_filter: list[str] | None = None,
                   abbreviations: dict[str, str] | None = None) -> list[str]:
    """Segmented texts, space-separated, punctuation dropped, sentence by sentence.

    abbreviations are expanded first; with pos_filter only tokens whose VLSP tag is listed are kept (terms of
    the domain dictionary always are). underthesea's word segmentation and POS models run through pipeline.crf
    (the same words and tags, tests/test_crf.py, at a fraction of the time); pure: underthesea's own tokenize()
    would replace a module-global regex with the fixed words for every later call, pipeline.crf does not.
    """
    from pipeline import crf

    fixed = dictionary_variants(dictionary or [])
    keep_tags = set(pos_filter or [])
    dictionary_words = {" ".join(t.split()).lower() for t in dictionary or []}
    out = []
    # texts in batches of about BATCH_SENTENCES sentences: the CRFs tag a batch at once (pipeline.crf)
    for batch in _batches([sentences(expand_abbreviations(text, abbreviations)) for text in texts]):
        flat = [s for text_sentences in batch for s in text_sentences]
        tokens = [[t for t in words if not _PUNCT_TOKEN.match(t)]
                  for words in crf.word_tokenize_many(flat, fixed_words=fixed)]
        if keep_tags:
            tokens = [[t for t, tag in zip(toks, tags) if tag in keep_tags or t.lower() in dictionary_words]
                      for toks, tags in zip(tokens, pos_tag_many(tokens))]
        i = 0
        for text_sentences in batch:
            words = [t.replace(" ", "_") for toks in tokens[i:i + len(text_sentences)] for t in toks]
            i += len(text_sentences)
            out.append(" ".join(words))
    return out


BATCH_SENTENCES = 4000  # bounds the taggers' arrays (under 200 MB) while amortising their numpy calls


def _batches(per_text: list[list[str]]):
    batch, size = [], 0
    for text_sentences in per_text:
        batch.append(text_sentences)
        size += len(text_sentences)
        if size >= BATCH_SENTENCES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def token_options(params: dict) -> dict:
    """The tokenisation settings of params.yaml besides the dictionary (shared with topics and themes)."""
    seg = params["segment"]
    return {"pos_filter": seg.get("pos_filter") or None, "abbreviations": seg.get("abbreviations") or None}


def keyword_tokenizer(params: dict):
    """Codebook keywords segmented as the corpus is (dictionary, abbreviations), without the POS filter: a
    keyword is a keyword whatever its part of speech. A phrase the segmenter splits when it stands alone
    ("khu công nghiệp" -> khu công_nghiệp) is kept whole (khu_công_nghiệp), the form it has where the corpus
    joins it; codebook_coverage reports it if the corpus never does (add it to segment.dictionary)."""
    seg = params["segment"]

    def tokenize(words: list[str]) -> list[str]:
        out = tokenize_texts(words, seg["dictionary"], abbreviations=seg.get("abbreviations") or None)
        return ["_".join(t.split()) for t in out]

    return tokenize


def topic_stopwords(params: dict) -> list[str]:
    seg = params["segment"]["stopwords"]
    return stopword_list(seg["source"], seg.get("extra"))


def vectorizer_stopwords(stopwords: list[str]) -> list[str]:
    """The stopwords that TOKEN_PATTERN can produce as a whole token. The others (à, ơ, a-lô) can never match a
    token, so dropping them removes nothing more or less; it only spares scikit-learn's warning that the stop
    list is "inconsistent with your preprocessing", which would send a user looking for a problem there is not."""
    whole = re.compile(TOKEN_PATTERN)
    return [w for w in stopwords if whole.fullmatch(w)]


def make_vectorizer(stopwords: list[str], min_df: int = 2, max_df: float = 1.0, ngram_max: int = 1):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(stop_words=vectorizer_stopwords(stopwords) or None, token_pattern=TOKEN_PATTERN,
                           lowercase=True, min_df=min_df, max_df=max_df, ngram_range=(1, ngram_max))
