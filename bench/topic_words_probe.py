"""Topic round 4's development probe (bench/TOPIC_FEATURES_RULE.md): NPMI and diversity of c-TF-IDF top-10 words
(recomputed without guided mode's boost) with and without a floor on the share of the topic's units that contain
the word, from a run's units and assignments.

    python -m bench.topic_words_probe data/interim/units.parquet data/processed/topic_assignments.parquet
"""
import sys

import numpy as np
import pandas as pd

from pipeline.evaluate import npmi_coherence, topic_diversity
from pipeline.topicmodel.bertopic_model import topic_vectorizer
from pipeline import params as P
from pipeline.words import topic_stopwords
from bertopic.vectorizers import ClassTfidfTransformer
units = pd.read_parquet(sys.argv[1])
asg = pd.read_parquet(sys.argv[2])
df = units.merge(asg[["unit_id", "topic"]], on="unit_id")
params = P.load()
tokens = df["tokens"].tolist()
topics = df["topic"].to_numpy()
vec = topic_vectorizer(topic_stopwords(params), **params["topics"]["vectorizer"])
ids = sorted(set(topics))
docs_per_topic = [" ".join(t for t, k in zip(tokens, topics) if k == i) for i in ids]
X = vec.fit_transform(docs_per_topic)
ct = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(X).toarray()
vocab = np.array(vec.get_feature_names_out())
B = (vec.transform(tokens) > 0).toarray()  # unit x word
for floor in (0, 0.1, 0.15, 0.2):
    words = []
    for r, i in enumerate(ids):
        share = B[topics == i].mean(axis=0)
        order = np.argsort(-ct[r])
        words.append([vocab[j] for j in order if share[j] >= floor][:10])
    m, per = npmi_coherence(words, tokens)
    print(f"floor {floor}: npmi {m:.3f} diversity {topic_diversity(words):.2f}", " | ".join(" ".join(w[:10]) for w in words[3:5]))
