"""Shared fixtures: a temporary copy of the repository that runs the real `dvc repro` on small data."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import workspace

REPO = workspace.REPO
VENV_BIN = Path(sys.executable).parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"

# settings that let UMAP/HDBSCAN and the comparisons work on tens of documents, and keep tests quick
SMALL_SETTINGS = {
    "topics.umap.n_neighbors": 5,
    "topics.hdbscan.min_cluster_size": 3,
    "topics.hdbscan.min_samples": 2,
    "topics.vectorizer.min_df": 1,
    "evaluate.stability_seeds": [1],
    "compare.bootstrap": 200,
    "clean.min_chars": 100,
    # pipeline mechanics: the similarity measure needs no training (method learned embeds and trains on the 643
    # coded texts; tests/test_theme_model.py and tests/test_validation_themes.py test it)
    "theme_measure.method": "similarity",
}
set_param = workspace.set_key


def make_repo_copy(dest: Path, corpus: Path | None = None, overrides: dict | None = None) -> Path:
    """A git+DVC project at dest with the pipeline code, params (small settings + overrides) and a corpus."""
    return workspace.make(dest, corpus, {**SMALL_SETTINGS, **(overrides or {})}, code=True, git=True)


def env() -> dict:
    return workspace.env()


def run(cmd: list[str], cwd: Path, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def dvc(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return run([str(VENV_BIN / "dvc"), *args], cwd, check)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """One real `dvc repro` of the tiny VNTC fixture, shared by the tests that only read its outputs."""
    repo = make_repo_copy(tmp_path_factory.mktemp("tiny_run"), FIXTURES / "tiny_vntc.jsonl")
    dvc(["repro"], repo)
    return repo


def build_tiny_sentence_transformer(dest: Path, vocabulary: list[str]) -> Path:
    """A sentence-transformers model directory built offline: a 2-layer BERT with random weights (seeded), a
    WordPiece vocabulary written here, mean pooling; safetensors only. Nothing is downloaded."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    bert = dest / "bert"
    bert.mkdir(parents=True, exist_ok=True)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = special + sorted(set(vocabulary) - set(special))
    (bert / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(bert, safe_serialization=True)
    BertTokenizerFast(vocab_file=str(bert / "vocab.txt"), do_lower_case=True).save_pretrained(bert)
    word = models.Transformer(str(bert), max_seq_length=64)
    model = SentenceTransformer(modules=[word, models.Pooling(word.get_word_embedding_dimension(), "mean")], device="cpu")
    model.save(str(dest / "model"), safe_serialization=True)
    return dest / "model"
