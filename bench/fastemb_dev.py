"""Development draws for the fast embedding path (issue 16), kept apart from the validate draw.

    python -m bench.fastemb_dev prepare --seed S [--n 1000]      # draw, then ingest..segment in a workspace
    python -m bench.fastemb_dev run --seed S --cand NAME [--topic-seed T]   # vectors, then topics + evaluate

The validate draw (`bench.validate_heldout.draw_heldout(source, SAMPLE, 1000, seed=42)`, what
`bench.run.fast_embedding_run` measures) is excluded by id and text: the candidates of a development draw are
the held-out articles outside the bundled sample and outside that draw, drawn by the same function (equal numbers
per label, 500-5,000 characters, seeded). Each development run is the fast_embedding_run protocol (the
repository's params.yaml, stages ingest..evaluate) apart from the vectors, which a candidate writes in place of
the embed stage's, and evaluate's stability refits and LDA, which are switched off: NMI with the labels and NPMI
come from the topics stage's assignments and do not depend on them.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import validate_heldout as vh  # noqa: E402
from pipeline import io as pio  # noqa: E402
from pipeline import paths, workspace  # noqa: E402

WORK = Path("/tmp/fastemb")
VALIDATE_SEED, VALIDATE_N = 42, 1000
RESULTS = ROOT / "bench" / "fastemb_dev_results.jsonl"


def source() -> Path:
    found = next((Path(p) for p in vh.DEFAULT_SOURCES if p and Path(p).is_file()), None)
    if found is None:
        raise SystemExit("held-out corpus not found")
    return found


def dev_draw(n: int, seed: int) -> list[dict]:
    """n held-out articles outside the sample and outside the validate draw (ids and texts)."""
    if seed == VALIDATE_SEED:
        raise SystemExit("seed 42 is the validate draw's seed")
    src = source()
    closed = vh.draw_heldout(src, vh.SAMPLE, VALIDATE_N, VALIDATE_SEED)
    with tempfile.TemporaryDirectory() as tmp:
        excluded = Path(tmp) / "excluded.jsonl"
        excluded.write_text(vh.SAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n"
                            + "".join(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n"
                                      for d in closed), encoding="utf-8")
        docs = vh.draw_heldout(src, excluded, n, seed)
    closed_ids, closed_texts = {d["id"] for d in closed}, {vh._text_key(d["text"]) for d in closed}
    assert not any(d["id"] in closed_ids or vh._text_key(d["text"]) in closed_texts for d in docs)
    return docs


def ws_path(seed: int, n: int) -> Path:
    return WORK / f"dev{seed}_n{n}" / "ws"


def prepare(seed: int, n: int) -> None:
    docs = dev_draw(n, seed)
    ws = ws_path(seed, n)
    vh.make_workspace(ws, docs, ROOT / "data" / "cache" / "embeddings",
                      {"embedding.backend": "tfidf", "segment.cache_dir": str(ROOT / "data" / "cache" / "segments"),
                       "segment.workers": 1, "evaluate.workers": 1, "evaluate.stability_seeds": [],
                       "evaluate.lda": False})
    vh.run_stages(ws, ("ingest", "clean", "segment"))
    print(f"prepared {ws} ({len(docs)} articles)")


def run(seed: int, n: int, cand: str, topic_seed: int) -> dict:
    from bench import fastemb_candidates as fc

    ws = ws_path(seed, n)
    units = pio.read_parquet(ws / paths.UNITS)
    params = workspace.repo_params()
    started = time.time()
    vectors = fc.vectors(cand, units, params, topic_seed)
    embed_s = round(time.time() - started, 1)
    pio.save_embeddings(ws / paths.EMBEDDINGS, units["unit_id"].tolist(), np.asarray(vectors, dtype=np.float32))
    p = workspace.repo_params()
    for key, value in {"embedding.backend": "tfidf", "segment.cache_dir": str(ROOT / "data/cache/segments"),
                       "embedding.cache_dir": str(ROOT / "data/cache/embeddings"), "segment.workers": 1,
                       "evaluate.workers": 1, "evaluate.stability_seeds": [], "evaluate.lda": False,
                       "topics.seed": topic_seed}.items():
        workspace.set_key(p, key, value)
    workspace.write_params(ws, params=p)
    seconds = vh.run_stages(ws, ("topics", "evaluate"))
    m = pio.read_json(ws / paths.METRICS)
    row = {"draw_seed": seed, "n": n, "cand": cand, "topic_seed": topic_seed, "nmi": round(m["nmi_label"], 4),
           "npmi": round(m["npmi"], 4), "n_topics": m["n_topics"], "dim": int(vectors.shape[1]), "embed_s": embed_s,
           "seconds": seconds}
    with open(RESULTS, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")
    print(json.dumps(row))
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=("prepare", "run"))
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--cand", nargs="*", default=["tfidf"])
    parser.add_argument("--topic-seed", type=int, nargs="*", default=[42])
    args = parser.parse_args(argv)
    if args.action == "prepare":
        prepare(args.seed, args.n)
    else:
        for cand in args.cand:
            for t in args.topic_seed:
                run(args.seed, args.n, cand, t)


if __name__ == "__main__":
    main()
