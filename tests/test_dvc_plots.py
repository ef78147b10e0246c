"""`dvc plots show` writes a page that loads nothing from the network: the project's figures are PNGs, and its
HTML template (.dvc/config plots.html_template) has no place for DVC's Vega scripts from a CDN."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import io as pio
from pipeline import paths, workspace

REMOTE = re.compile(r"<(?:script|link|img|iframe)[^>]+(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def dvc() -> str | None:
    return shutil.which("dvc", path=str(Path(sys.executable).parent)) or shutil.which("dvc")


@pytest.mark.skipif(dvc() is None, reason="dvc is not installed in this environment")
def test_dvc_plots_show_loads_nothing_from_the_network(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    root = workspace.make(tmp_path / "ws", code=True, git=True)
    figures = root / paths.FIGURES_DIR
    figures.mkdir(parents=True)
    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1], [0, 1])
    fig.savefig(figures / "topic_words.png", dpi=30)
    plt.close(fig)
    pio.write_json(root / paths.FIGURE_MANIFEST, {"topic_words": {"caption": "x"}})
    proc = subprocess.run([dvc(), "plots", "show", "-o", "plots_out"], cwd=root, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (root / "plots_out" / "index.html").read_text(encoding="utf-8")
    assert "<img" in page and "topic_words" in page  # the figure is there ...
    assert not REMOTE.findall(page), REMOTE.findall(page)  # ... and nothing is fetched to show it
    assert "cdn.jsdelivr" not in page
