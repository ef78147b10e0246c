"""vn-discourse: topic modelling and discourse analysis of Vietnamese news, as DVC stages."""

__version__ = "0.1.0"

import sys as _sys

# underthesea's __init__ imports its optional parts eagerly; translation alone pulls in transformers and torch,
# seconds of start-up in every stage process. The pipeline uses none of them (only word_tokenize, text_normalize
# and the stopword list), so they are marked absent, which underthesea's loader treats as not installed.
for _name in ("underthesea.pipeline.translate", "underthesea.pipeline.classification", "underthesea.pipeline.sentiment",
              "underthesea.pipeline.dependency_parse", "underthesea.agent",
              "underthesea.address"):
    _sys.modules.setdefault(_name, None)
