"""Run one pipeline stage as the pipeline runs it (`python -m pipeline.<stage>` in its own process) and measure
its wall time and the peak memory of its whole process tree (pool workers included): the sum of the
processes' proportional set sizes (PSS), so pages that forked workers share with the parent count once."""
from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
SAMPLE_EVERY = 0.1  # seconds between memory samples, at least
# Reading smaps_rollup walks a process's page tables: 5-6 ms for a 640 MB segment worker, more for the 2 GB clean
# stage, so sampling three processes every 0.1 s took ~15% of a core from the stage it measured (on 2 cores the
# all-workers segment run lost more to it than the one-worker run, which lowered segment_speedup). The pause
# after a sample is at least SAMPLE_COST_FACTOR times what the sample took: the sampler stays under ~5% of a core.
SAMPLE_COST_FACTOR = 20


def _memory(p: psutil.Process) -> int:
    """PSS where Linux gives it cheaply (smaps_rollup): forked pool workers share the parent's pages, which
    summed RSS would count once per worker. (psutil's memory_full_info parses all of smaps: so slow that the
    sampler itself took a fifth of a core.)"""
    try:
        with open(f"/proc/{p.pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return p.memory_info().rss


def _tree_memory(procs: list[psutil.Process]) -> int:
    total = 0
    for p in procs:
        try:
            total += _memory(p)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            pass
    return total


def _tree(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return [proc]


def run_stage(stage: str, workdir: Path, params_file: Path, log: Path | None = None, timeout: float = 7200,
              sample_memory: bool = True) -> dict:
    """Wall seconds and peak MB of `python -m pipeline.<stage>` run in workdir with params_file.
    sample_memory=False: time only (peak_mb None), for comparisons of seconds that sampling would disturb.

    Outputs land under workdir (the stages write relative paths); the repository is only imported.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["VN_DISCOURSE_PARAMS"] = str(params_file)
    env["PYTHONHASHSEED"] = "0"
    out = open(log, "ab") if log else subprocess.DEVNULL
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        proc = subprocess.Popen([sys.executable, "-m", f"pipeline.{stage}"], cwd=workdir, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
        ps = psutil.Process(proc.pid)
        peak = 0
        tree, listed = [ps], 0.0
        while proc.poll() is None:
            if time.perf_counter() - listed > 0.5:  # listing children scans /proc: not at every sample
                tree, listed = _tree(ps), time.perf_counter()
            pause = SAMPLE_EVERY
            if sample_memory:
                sampled = time.perf_counter()
                peak = max(peak, _tree_memory(tree))
                pause = max(SAMPLE_EVERY, SAMPLE_COST_FACTOR * (time.perf_counter() - sampled))
            if time.perf_counter() - start > timeout:
                proc.kill()
                raise TimeoutError(f"pipeline.{stage} ran past {timeout} s")
            time.sleep(pause)
        seconds = time.perf_counter() - start
    finally:
        if log:
            out.close()
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
        raise RuntimeError(f"pipeline.{stage} failed in {workdir} (exit {proc.returncode}):\n{tail}")
    # CPU of the stage and every process it waited for (its pool workers); CPU / wall shows how many cores it
    # really had, which on a shared machine can be fewer than it asked for
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("ru_utime", "ru_stime"))
    return {"seconds": round(seconds, 3), "peak_mb": round(peak / 2**20, 1) if sample_memory else None,
            "cpu_seconds": round(cpu, 2),
            "cores_used": round(cpu / seconds, 2) if seconds else None}


def growth_exponent(sizes: list[float], values: list[float]) -> float | None:
    """b in value ~ size^b, least squares on logs: 1 is linear, below 1 sublinear."""
    pts = [(math.log(s), math.log(v)) for s, v in zip(sizes, values) if s and v and v > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return round(sum((x - mx) * (y - my) for x, y in pts) / sxx, 3) if sxx else None


def marginal_rates(sizes: list[float], values: list[float]) -> list[float]:
    """Extra value per extra item between consecutive sizes (MB per 1,000 articles, say)."""
    return [round((values[i + 1] - values[i]) / (sizes[i + 1] - sizes[i]), 6) for i in range(len(sizes) - 1)]
