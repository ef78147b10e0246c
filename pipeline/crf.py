"""underthesea's CRF taggers (word segmentation, POS), run on many sentences at once with identical output.

Why not underthesea_core: its featuriser builds ~40 feature strings per token in Rust, hands them to Python and
its tagger takes them back and hashes them (about 30 us a token, 60 % of the segment stage). Here the same
features are attribute ids: a unigram template's attribute depends only on the token, a bigram's or trigram's
only on those tokens, so each is computed once per distinct token or n-gram and cached for the process; state
scores are then numpy gathers, and Viterbi runs over all sentences of a batch together.

Identity, not approximation: the model file (CRFsuite format) is read as underthesea_core 3.3.2 reads it (ids in
insertion order, state weights of |w| <= 1e-10 dropped), the features follow its CRFFeaturizer (BOS/EOS, lower,
isdigit = parses as a 32-bit integer, istitle = no space-separated part starts with a character that changes
when upper-cased, is_in_dict on the lower-cased text), state scores are summed in template order from 0.0 as its
emission_scores does, and Viterbi keeps the first best previous label as its strict `>` does.
tests/test_crf.py compares the tags with underthesea's on held-out news.
"""
from __future__ import annotations

import re
import struct
from functools import cache
from itertools import islice
from os.path import dirname, join

import numpy as np

_INT32 = re.compile(r"[+-]?[0-9]+")
_FUNCTIONS = (None, "lower", "isdigit", "istitle", "is_in_dict")
_CACHE_ROWS = 20_000  # n-grams remembered per span length and model (a few MB; a larger cache was no faster)
_BITS = 21  # bits of a token id in an n-gram's code (3 x 21 < 63)
_TEMPLATE = re.compile(r"T\[(?P<a>-?\d+)(,(?P<b>-?\d+))?](\[(?P<column>.*)])?(\.(?P<function>.*))?")


def _isdigit(text: str) -> str:
    # Rust's str::parse::<i32>: an optional sign, ASCII digits, within i32
    return "True" if _INT32.fullmatch(text) and -2**31 <= int(text) < 2**31 else "False"


def _istitle(text: str) -> str:
    for part in text.split(" "):
        if part and part[0].upper() != part[0]:
            return "False"
    return "True"


def _read_strings(data: bytes, start: int, count: int) -> list[str]:
    """A CQDB block's strings in id order (its backward table), as underthesea_core reads them."""
    magic, _size, _flag, _order, bwd_size, bwd_offset = struct.unpack_from("<4sIIIII", data, start)
    if magic != b"CQDB":
        raise ValueError("not a CRFsuite model: CQDB block missing")
    offsets = struct.unpack_from(f"<{min(count, bwd_size)}I", data, start + bwd_offset)
    out = []
    for offset in offsets:
        if offset == 0:
            continue
        _id, ksize = struct.unpack_from("<II", data, start + offset)
        key = data[start + offset + 8:start + offset + 8 + ksize].split(b"\0", 1)[0]
        out.append(key.decode("utf-8", errors="replace"))
    return out


def _bundled(path: str):
    """A joblib file shipped inside the installed underthesea package (its model's templates and dictionary),
    loaded as underthesea's FastCRFSequenceTagger.load does; anything else is refused: never user data."""
    import importlib.util
    from pathlib import Path

    import joblib

    package = Path(importlib.util.find_spec("underthesea").origin).resolve().parent
    if package not in Path(path).resolve().parents:
        raise ValueError(f"{path}: not a file of the installed underthesea package; refusing to unpickle it")
    return joblib.load(path)


class BatchCRF:
    """One underthesea CRF model (a folder with models.bin, features.bin, dictionary.bin)."""

    def __init__(self, folder: str):
        data = open(join(folder, "models.bin"), "rb").read()
        (magic, _size, _kind, _version, n_features, n_labels, n_attrs, off_features, off_labels, off_attrs,
         _lr, _ar) = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
        if magic != b"lCRF":
            raise ValueError(f"{folder}/models.bin is not a CRFsuite model")
        self.labels = list(dict.fromkeys(_read_strings(data, off_labels, n_labels)))
        self.attrs = {a: i for i, a in enumerate(dict.fromkeys(_read_strings(data, off_attrs, n_attrs)))}
        n_l = len(self.labels)
        # row len(attrs) stays zero: the attribute the model does not know (Rust skips it; adding 0.0 is a no-op)
        self.state = np.zeros((len(self.attrs) + 1, n_l))
        self.trans = np.zeros((n_l, n_l))
        magic, _size, count = struct.unpack_from("<4sII", data, off_features)
        if magic != b"FEAT":
            raise ValueError(f"{folder}/models.bin: FEAT block missing")
        feats = np.frombuffer(data, dtype=np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")]),
                              count=count or n_features, offset=off_features + 12)
        state = feats[(feats["type"] == 0) & (np.abs(feats["w"]) > 1e-10)]
        self.state[state["src"], state["dst"]] = state["w"]
        trans = feats[feats["type"] == 1]
        self.trans[trans["src"], trans["dst"]] = trans["w"]
        self.unknown = len(self.attrs)
        self.dictionary = _bundled(join(folder, "dictionary.bin"))
        templates = []
        for syntax in _bundled(join(folder, "features.bin")):
            m = _TEMPLATE.match(syntax)
            if m is None or m["column"] not in (None, "0") or m["function"] not in _FUNCTIONS:
                raise ValueError(f"{folder}: feature template {syntax} is not one underthesea_core 3.3 computes")
            a = int(m["a"])
            templates.append((syntax, a, int(m["b"]) if m["b"] is not None else a, m["function"]))
        self.templates = templates
        self.bos = np.array([self.attrs.get(f"{s}=BOS", self.unknown) for s, *_ in templates])
        self.eos = np.array([self.attrs.get(f"{s}=EOS", self.unknown) for s, *_ in templates])
        # The templates of one span length, grouped by function: a distinct n-gram's text and function values
        # are computed once, and one dictionary maps a value to the attribute ids of all templates of the group
        # (value -> tuple), instead of formatting and looking up one string per template.
        self.spans = sorted({b - a + 1 for _, a, b, _ in templates})
        self.groups: dict[int, list[tuple[str | None, list[int], dict, tuple]]] = {}
        slot = {}  # template syntax -> (its group's value table, its place in the group)
        for span in self.spans:
            groups = []
            for function in _FUNCTIONS:
                ks = [k for k, (_, a, b, f) in enumerate(templates) if b - a + 1 == span and f == function]
                if ks:
                    groups.append((function, ks, {}, (self.unknown,) * len(ks)))
                    slot.update({templates[k][0]: (groups[-1][2], j, len(ks)) for j, k in enumerate(ks)})
            self.groups[span] = groups
        for attr, attr_id in self.attrs.items():
            syntax, _, value = attr.partition("=")
            if syntax in slot:
                table, j, width = slot[syntax]
                table.setdefault(value, [self.unknown] * width)[j] = attr_id
        for groups in self.groups.values():
            for _, _, table, _ in groups:
                table.update({v: tuple(ids) for v, ids in table.items()})
        self.columns = {span: [k for _, ks, _, _ in self.groups[span] for k in ks] for span in self.spans}
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []
        self.ngrams: dict[int, dict[int, tuple]] = {span: {} for span in self.spans}

    def _row(self, span: int, text: str) -> tuple:
        """The attribute ids of an n-gram's text under every template of its span (self.columns order)."""
        row: tuple = ()
        lower = None
        for function, _, table, missing in self.groups[span]:
            if function is None:
                value = text
            elif function == "lower":
                value = lower = text.lower() if lower is None else lower
            elif function == "isdigit":
                value = _isdigit(text)
            elif function == "istitle":
                value = _istitle(text)
            else:  # is_in_dict
                lower = text.lower() if lower is None else lower
                value = "True" if lower in self.dictionary else "False"
            row += table.get(value, missing)
        return row

    def _codes(self, gid: np.ndarray, first: np.ndarray, span: int) -> np.ndarray:
        code = np.zeros(len(first), dtype=np.int64)
        for j in range(span):
            code |= gid[first + j] << (_BITS * j)
        return code

    def emissions(self, sentences: list[list[str]]) -> np.ndarray:
        """State scores of every token of the sentences, concatenated (n_tokens x n_labels)."""
        if len(self.words) + sum(len(s) for s in sentences) >= 1 << _BITS:
            self.vocab, self.words = {}, []  # n-gram codes pack token ids in _BITS bits each
            self.ngrams = {span: {} for span in self.spans}
        lengths = np.array([len(s) for s in sentences], dtype=np.int64)
        n = int(lengths.sum())
        vocab, words = self.vocab, self.words
        add = vocab.setdefault
        gid = np.fromiter((add(t, len(vocab)) for s in sentences for t in s), dtype=np.int64, count=n)
        if len(vocab) > len(words):
            words.extend(islice(vocab, len(words), None))  # the new tokens, in id order
        ends = np.cumsum(lengths)
        start = np.repeat(ends - lengths, lengths)
        end = np.repeat(ends, lengths)
        pos = np.arange(n)
        ids = np.empty((len(self.templates), n), dtype=np.int64)
        for span in self.spans:
            first = np.flatnonzero(pos + span <= end)  # n-grams that lie inside their sentence, by first token
            columns = self.columns[span]
            # row n: BOS, row n + 1: EOS, as the featuriser writes them when an offset leaves the sentence
            rows = np.zeros((n + 2, len(columns)), dtype=np.int64)
            rows[n], rows[n + 1] = self.bos[columns], self.eos[columns]
            if len(first):
                uniq, inverse = np.unique(self._codes(gid, first, span), return_inverse=True)
                cache = self.ngrams[span]
                if len(cache) > _CACHE_ROWS:  # bounded memory on a long run; rows are cheap to recompute
                    cache.clear()
                mask = (1 << _BITS) - 1
                table = []
                for code in uniq.tolist():
                    row = cache.get(code)
                    if row is None:
                        text = " ".join(words[(code >> (_BITS * j)) & mask] for j in range(span))
                        row = cache[code] = self._row(span, text)
                    table.append(row)
                rows[first] = np.array(table, dtype=np.int64)[inverse.reshape(-1)]
            by_offset: dict[tuple[int, int], list[int]] = {}
            for j, k in enumerate(columns):
                by_offset.setdefault(self.templates[k][1:3], []).append(j)
            for (a, b), js in by_offset.items():
                at = pos + a
                where = np.where(at < start, n, np.where(pos + b >= end, n + 1, at))
                ids[[columns[j] for j in js]] = rows[where][:, js].T
        emission = np.zeros((n, len(self.labels)))
        for k in range(len(self.templates)):  # template order, as underthesea_core sums
            emission += self.state[ids[k]]
        return emission

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """The best label sequence of each sentence (list of tokens), as underthesea_core's CRFTagger.tag."""
        keep = [i for i, s in enumerate(sentences) if s]
        out: list[list[str]] = [[] for _ in sentences]
        if not keep:
            return out
        batch = [sentences[i] for i in keep]
        emission = self.emissions(batch)
        lengths = np.array([len(s) for s in batch])
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        order = np.argsort(-lengths, kind="stable")  # longest first: the sentences still going are a prefix
        lengths, offsets = lengths[order], offsets[order]
        score = emission[offsets].copy()
        back = []
        for t in range(1, int(lengths[0])):
            m = int(np.searchsorted(-lengths, -t, side="left"))  # sentences longer than t
            cand = score[:m, :, None] + self.trans[None, :, :]
            best_prev = cand.argmax(axis=1)  # first maximum, as Rust's strict '>'
            best = np.take_along_axis(cand, best_prev[:, None, :], axis=1)[:, 0, :]
            score[:m] = best + emission[offsets[:m] + t]
            back.append(best_prev)
        # back-track all sentences together, from the last position of the longest
        cur = score.argmax(axis=1)
        flat = np.empty(int(lengths.sum()), dtype=np.int64)
        for t in range(int(lengths[0]) - 1, -1, -1):
            m = int(np.searchsorted(-lengths, -t, side="left"))
            flat[offsets[:m] + t] = cur[:m]
            if t:
                cur[:m] = back[t - 1][np.arange(m), cur[:m]]
        labels = np.array(self.labels, dtype=object)
        bounds = np.concatenate([[0], np.cumsum([len(s) for s in batch])])
        names = labels[flat].tolist()
        for r, i in enumerate(keep):
            out[i] = names[bounds[r]:bounds[r + 1]]
        return out


@cache
def word_segmenter() -> BatchCRF:
    """underthesea's word segmentation model (the one word_tokenize loads)."""
    import underthesea.pipeline.word_tokenize as ws

    return BatchCRF(join(dirname(ws.__file__), "models", "ws_crf_vlsp2013_20230727"))


@cache
def pos_tagger() -> BatchCRF:
    """underthesea's VLSP-2013 POS model (pos_tag(model="v2.0"))."""
    import underthesea.pipeline.pos_tag as pos

    return BatchCRF(join(dirname(pos.__file__), "models", "pos_crf_vlsp2013_20230303"))


@cache
def _token_pattern(fixed_words: tuple[str, ...]) -> re.Pattern:
    """underthesea's tokenizer regex, with the fixed words first as its tokenize() builds it. Built once per
    list of fixed words (underthesea rebuilds it, with a re.sub per word, for every sentence) and never written
    to underthesea's module global, which its tokenize() replaces for every later call."""
    from underthesea.pipeline.word_tokenize import regex_tokenize as rt

    patterns = list(rt.regex_patterns)
    if fixed_words:
        compiled = [re.sub(" ", r"\ ", word) for word in fixed_words]
        patterns = ["(?P<fixed_words>\\b" + "\\b|\\b".join(compiled) + "\\b)", *patterns]
    return re.compile(r"(" + "|".join(patterns) + ")", re.VERBOSE | re.UNICODE)


_NORMALISED: dict[str, str] = {}


def regex_tokens(text: str, fixed_words: tuple[str, ...] = ()) -> list[str]:
    """underthesea's regex_tokenize.tokenize(text, fixed_words=...) with its defaults (character and token
    normalisation). Every alternative of its regex is one named group, so the group its extract_match finds
    is the whole match; token_normalize depends on the token alone, so it is remembered (only tokens of at
    most 6 characters are normalised, a bounded set)."""
    from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
    from underthesea.pipeline.text_normalize.token_normalize import token_normalize

    text = normalize_characters_in_text(text)
    out = []
    for m in _token_pattern(tuple(fixed_words)).finditer(text):
        token = m.group(0)
        if len(token) <= 6:
            normal = _NORMALISED.get(token)
            if normal is None:
                normal = _NORMALISED[token] = token_normalize(token)
            token = normal
        out.append(token)
    return out


def word_tokenize_many(sentences: list[str], fixed_words: list[str] | None = None) -> list[list[str]]:
    """underthesea.word_tokenize(sentence, fixed_words=...) of each sentence, tagged in one batch."""
    fixed = tuple(fixed_words or ())
    tokens = [regex_tokens(s, fixed) for s in sentences]
    out = []
    for toks, tags in zip(tokens, word_segmenter().tag(tokens)):
        words: list[str] = []
        for k, (tag, token) in enumerate(zip(tags, toks)):
            if tag == "I-W" and k > 0:
                words[-1] = words[-1] + " " + token
            else:
                words.append(token)
        out.append(words)
    return out
