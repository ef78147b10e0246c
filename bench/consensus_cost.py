"""The consensus clusterer's cost, one setting against another, on a kept workspace's embeddings (topic round 3).

    python -m bench.consensus_cost WORKSPACE [--repeats 3] [--out FILE] [--settings NAME ...]

Times ConsensusClusters.fit (k 10, params.yaml's UMAP settings) on WORKSPACE/data/processed/embeddings.npz (a
`bench.validate_heldout --keep` folder), settings alternated in one process so that a busy machine slows both
alike; reports each setting's median seconds and the ratio to the first (the baseline). The lexical_weight 0.5
setting clusters the joint space as the topic model does (embedders.joint with LexicalFeatures over the units'
tokens). Written for bench/TOPIC_FEATURES_RULE.md's round 3, condition (d).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = {"baseline": {"neighbours": "umap", "runs": 10, "lexical_weight": 0.0},
            "knn20": {"neighbours": "exact", "runs": 20, "lexical_weight": 0.0},
            "w05_knn20": {"neighbours": "exact", "runs": 20, "lexical_weight": 0.5},
            "w05": {"neighbours": "umap", "runs": 10, "lexical_weight": 0.5}}  # round 5


def main(argv=None) -> int:
    from pipeline import io as pio
    from pipeline import params as P
    from pipeline.embedders import LexicalFeatures, joint
    from pipeline.topicmodel.clustering import ConsensusClusters

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workspace")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out")
    ap.add_argument("--settings", nargs="+", choices=sorted(SETTINGS), default=["baseline", "knn20", "w05_knn20"],
                    help="which settings to time (baseline always first)")
    args = ap.parse_args(argv)
    ws = Path(args.workspace)
    import pandas as pd

    ids, vectors = pio.load_embeddings(ws / "data/processed/embeddings.npz")
    vectors = np.asarray(vectors, dtype=np.float32)
    units = pd.read_parquet(ws / "data/interim/units.parquet").set_index("unit_id")
    tokens = units.loc[ids, "tokens"].tolist()
    t = P.load(ROOT / "params.yaml")["topics"]
    spaces = {0.0: vectors, 0.5: joint(vectors, LexicalFeatures(t["seed"]).fit_transform(tokens), 0.5)}
    chosen = {name: SETTINGS[name] for name in dict.fromkeys(["baseline", *args.settings])}
    times: dict[str, list[float]] = {name: [] for name in chosen}
    for _ in range(args.repeats):
        for name, s in chosen.items():
            start = time.perf_counter()
            ConsensusClusters(k=10, runs=s["runs"], seed=t["seed"], umap=t["umap"],
                              neighbours=s["neighbours"]).fit(spaces[s["lexical_weight"]])
            times[name].append(round(time.perf_counter() - start, 2))
    base = statistics.median(times["baseline"])
    result = {"workspace": str(ws), "n_units": len(vectors), "repeats": args.repeats, "settings": chosen,
              "seconds": times, "median": {n: statistics.median(v) for n, v in times.items()},
              "ratio_to_baseline": {n: round(statistics.median(v) / base, 3) for n, v in times.items()}}
    print(json.dumps(result, indent=1))
    if args.out:
        pio.write_json(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
