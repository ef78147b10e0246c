"""Tokenisation quality: domain terms stay whole, sentences are not joined, abbreviations expand, the POS filter
drops abbreviations/units/numerals, and underthesea's global fixed-words regex does not leak between calls."""
import pytest

from pipeline.words import (dictionary_variants, expand_abbreviations, make_vectorizer, pos_tag_tokens, sentences,
                            token_options, tokenize_texts)
from pipeline.text import stopword_list

DICTIONARY = ["chuyển đổi số", "đổi mới sáng tạo", "khoa học công nghệ", "khoa học và công nghệ", "Nghị quyết 57",
              "Luật Thủ đô", "Hòa Lạc", "khu công nghệ cao"]


def words(text, **kw):
    return tokenize_texts([text], DICTIONARY, **kw)[0].split()


def test_dictionary_terms_are_one_token_in_any_case():
    toks = words("Chuyển đổi số và đổi mới sáng tạo theo Nghị quyết 57 ở Hòa Lạc. CHUYỂN ĐỔI SỐ LÀ ƯU TIÊN.")
    lowered = [t.lower() for t in toks]
    assert "chuyển_đổi_số" in lowered
    assert lowered.count("chuyển_đổi_số") == 2  # sentence case and a headline in capitals
    assert "đổi_mới_sáng_tạo" in lowered
    assert "nghị_quyết_57" in lowered
    assert "hòa_lạc" in lowered
    assert "chuyển" not in lowered


def test_longest_dictionary_term_wins():
    toks = [t.lower() for t in words("Bộ Khoa học và Công nghệ cùng khu công nghệ cao.")]
    assert "khoa_học_và_công_nghệ" in toks
    assert "khu_công_nghệ_cao" in toks
    variants = dictionary_variants(["khoa học", "khoa học và công nghệ", "khoa  học"])
    assert len(variants) == 2 and "khoa học và công nghệ" in variants[0] and "và" not in variants[1]


def test_fixed_words_do_not_leak_into_later_calls():
    # underthesea 9.5.0 keeps the last fixed_words in a module global: a call without a dictionary must not see them
    from underthesea import word_tokenize

    tokenize_texts(["Luật Thủ đô có hiệu lực."], ["Luật Thủ đô"])
    assert "Luật Thủ đô" not in word_tokenize("Luật Thủ đô có hiệu lực.")
    assert "luật_thủ_đô" not in tokenize_texts(["Luật Thủ đô có hiệu lực."])[0].lower()


def test_words_are_not_joined_across_sentences_or_lines():
    text = "Doanh nghiệp đầu tư vào TPHCM. Ông Nam cho biết điều đó.\nThành phố phát triển"
    toks = tokenize_texts([text])[0].split()
    assert not any(t.lower().endswith(("._ông", "tphcm._ông")) or "." in t for t in toks)
    assert sentences(text) == ["Doanh nghiệp đầu tư vào TPHCM.", "Ông Nam cho biết điều đó.", "Thành phố phát triển"]


def test_abbreviations_expand_case_sensitively_and_longest_first():
    abbr = {"TP.HCM": "Thành phố Hồ Chí Minh", "TP": "thành phố", "CNTT": "công nghệ thông tin", "ĐH": "đại học"}
    out = expand_abbreviations("Ngành CNTT ở TP.HCM và TP Hà Nội; ĐH Bách khoa; chữ thường cntt giữ nguyên; CNTTX", abbr)
    assert "Ngành công nghệ thông tin ở Thành phố Hồ Chí Minh và thành phố Hà Nội; đại học Bách khoa" in out
    assert "cntt giữ nguyên" in out and "CNTTX" in out
    toks = [t.lower() for t in words("Ngành CNTT phát triển mạnh.", abbreviations=abbr)]
    assert "công_nghệ_thông_tin" in toks and "cntt" not in toks


def test_pos_filter_drops_abbreviations_units_numerals_and_function_words():
    text = "Dự án rộng 1.600 ha của UBND ở Hòa Lạc có giá 5 triệu đồng/m2 và các nhà khoa học nghiên cứu."
    kept = [t.lower() for t in words(text, pos_filter=["N", "Np", "Nb", "V", "A"])]
    everything = [t.lower() for t in words(text)]
    for gone in ("ha", "ubnd", "1.600", "triệu", "m2", "các", "và", "của"):
        assert gone in everything  # each is a token without the filter: the filter is what removes it
        assert gone not in kept
    for stays in ("dự_án", "nhà_khoa_học", "nghiên_cứu", "hòa_lạc"):
        assert stays in kept


def test_pos_filter_keeps_dictionary_terms_whatever_their_tag():
    # the tagger reads "đổi mới sáng tạo" as a verb in some contexts; a domain term must survive a noun-only filter
    kept = [t.lower() for t in words("Thành phố đổi mới sáng tạo mạnh mẽ.", pos_filter=["N"])]
    assert "đổi_mới_sáng_tạo" in kept
    assert "mạnh_mẽ" not in kept


def test_pos_tags_align_with_tokens():
    toks = ["Doanh nghiệp", "đầu tư", "1.000", "USD"]
    tags = pos_tag_tokens(toks)
    assert len(tags) == len(toks)
    assert tags[0] == "N" and tags[2] == "M"
    assert pos_tag_tokens([]) == []


def test_empty_and_punctuation_only_texts():
    assert tokenize_texts(["", "   ", "... !!"], DICTIONARY) == ["", "", ""]


def test_token_options_from_params():
    params = {"segment": {"pos_filter": ["N"], "abbreviations": {"QH": "Quốc hội"}}}
    assert token_options(params) == {"pos_filter": ["N"], "abbreviations": {"QH": "Quốc hội"}}
    assert token_options({"segment": {}}) == {"pos_filter": None, "abbreviations": None}


def test_stopwords_are_segmented_and_include_news_words():
    stop = stopword_list("stopwordsiso", ["cho biết", "Theo"])
    assert "cho_biết" in stop and "theo" in stop
    assert all(" " not in w and w == w.lower() for w in stop)
    assert len(stopword_list("stopwordsiso")) > len(stopword_list("underthesea")) > 0
    assert stopword_list("none", ["x y"]) == ["x_y"]


def test_vectorizer_removes_the_same_words_without_the_inconsistent_stop_list_warning():
    import warnings

    from sklearn.feature_extraction.text import CountVectorizer

    from pipeline.words import TOKEN_PATTERN

    stop = stopword_list("stopwordsiso", ["cho_biết"])
    assert {"a-lô", "à"} <= set(stop)  # entries no token can equal: what made scikit-learn warn
    docs = ["a-lô à ông cho_biết đổi_mới_sáng_tạo và thể_chế", "chuyển_đổi_số lô_đất alô cho_biết dữ_liệu"]
    # recorded, not raised: scikit-learn runs its consistency check inside a try that swallows exceptions
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        ours = make_vectorizer(stop, min_df=1).fit(docs)
    with warnings.catch_warnings(record=True) as plain_warned:
        warnings.simplefilter("always")
        plain = CountVectorizer(stop_words=stop, token_pattern=TOKEN_PATTERN, min_df=1).fit(docs)
    assert any("stop_words may be inconsistent" in str(w.message) for w in plain_warned)
    assert not any("stop_words may be inconsistent" in str(w.message) for w in ours_warned)
    assert list(ours.get_feature_names_out()) == list(plain.get_feature_names_out())
    assert "cho_biết" not in ours.vocabulary_ and "alô" not in ours.vocabulary_ and "đổi_mới_sáng_tạo" in ours.vocabulary_


@pytest.mark.parametrize("parallel", [False, True])
def test_parallel_tokenisation_passes_the_options(parallel):
    from pipeline.tokens import tokenize_cached

    texts = ["Ngành CNTT của VN phát triển.", "Giá đất 5 triệu đồng/m2 ở Hòa Lạc."] * 2
    opts = {"pos_filter": ["N", "Np", "V", "A"], "abbreviations": {"CNTT": "công nghệ thông tin", "VN": "Việt Nam"}}
    out = tokenize_cached(texts, DICTIONARY, 2 if parallel else 1, **opts)
    assert out == tokenize_texts(texts, DICTIONARY, **opts)
    assert "công_nghệ_thông_tin" in out[0].lower() and "m2" not in out[1].lower()
