"""pipeline.io: outputs appear whole or not at all, even when the writer is killed; missing inputs say what to run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import io as pio

REPO = Path(__file__).resolve().parent.parent


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_failed_write_keeps_old_content_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.json"
    pio.write_json(target, {"a": 1})
    with pytest.raises(RuntimeError):
        with pio.atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("stage failed")
    assert pio.read_json(target) == {"a": 1}
    assert temporaries(tmp_path) == []


def test_killed_writer_leaves_old_content_and_next_write_sweeps_its_temporary(tmp_path):
    target = tmp_path / "units.parquet"
    pio.write_parquet(target, pd.DataFrame({"x": [1, 2]}))
    before = target.read_bytes()
    # a writer SIGKILLed half-way through: no cleanup handler runs
    code = (f"import os, signal; from pipeline import io\n"
            f"with io.atomic_path({str(target)!r}) as tmp:\n"
            f"    tmp.write_bytes(b'PAR1 half a parquet file')\n"
            f"    os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == before, "the old output is untouched"
    left = temporaries(tmp_path)
    assert len(left) == 1 and left[0].startswith(".units.parquet."), left
    pio.write_parquet(target, pd.DataFrame({"x": [3]}))
    assert pd.read_parquet(target)["x"].tolist() == [3]
    assert temporaries(tmp_path) == [], "the dead writer's temporary is swept"


def test_temporary_of_a_live_writer_is_not_swept(tmp_path):
    target = tmp_path / "out.txt"
    live = tmp_path / f".out.txt.{os.getppid()}.abcd.tmp"  # the parent (pytest's launcher) is alive
    live.write_text("in progress")
    pio.write_text(target, "done")
    assert live.exists()


def test_atomic_dir_replaces_whole_directory_or_nothing(tmp_path):
    target = tmp_path / "model"
    with pio.atomic_dir(target) as tmp:
        (tmp / "a.json").write_text("1")
        (tmp / "b.bin").write_bytes(b"\0\1")
    assert sorted(p.name for p in target.iterdir()) == ["a.json", "b.bin"]
    with pytest.raises(ValueError):
        with pio.atomic_dir(target) as tmp:
            (tmp / "c.json").write_text("partial")
            raise ValueError("killed half-way")
    assert sorted(p.name for p in target.iterdir()) == ["a.json", "b.bin"]
    assert temporaries(tmp_path) == []
    with pio.atomic_dir(target) as tmp:
        (tmp / "only.json").write_text("2")
    assert [p.name for p in target.iterdir()] == ["only.json"]


def test_written_files_are_readable_by_others(tmp_path):
    target = tmp_path / "t.csv"
    pio.write_csv(target, pd.DataFrame({"a": [1]}))
    old = os.umask(0)
    os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o666 & ~old
    assert target.read_bytes() == b"a\n1\n"


def test_missing_input_names_file_and_the_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"units\.parquet: not found.*dvc repro"):
        pio.read_parquet(tmp_path / "units.parquet")
    with pytest.raises(FileNotFoundError, match=r"topic_fit\.json: not found"):
        pio.read_json(tmp_path / "topic_fit.json")


def test_bad_json_names_file_and_line(tmp_path):
    bad = tmp_path / "info.json"
    bad.write_text('{"a": 1,\n "b": }\n')
    with pytest.raises(ValueError, match=r"info\.json: not valid JSON \(line 2"):
        pio.read_json(bad)


def test_corpus_digest_changes_with_content_and_names(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("một")
    first = pio.corpus_digest(tmp_path / "c")
    (tmp_path / "c" / "a.txt").write_text("hai")
    second = pio.corpus_digest(tmp_path / "c")
    (tmp_path / "c" / "a.txt").rename(tmp_path / "c" / "b.txt")
    third = pio.corpus_digest(tmp_path / "c")
    assert len({first["sha256"], second["sha256"], third["sha256"]}) == 3
    assert first["n_files"] == 1 and first["bytes"] == len("một".encode())


def test_read_csv_optional_is_empty_for_absent_or_empty_files_and_reads_the_rest(tmp_path):
    from pipeline import io as pio

    assert pio.read_csv_optional(tmp_path / "absent.csv").empty
    (tmp_path / "empty.csv").write_text("\n", encoding="utf-8")
    assert pio.read_csv_optional(tmp_path / "empty.csv").empty
    pio.write_csv(tmp_path / "t.csv", pd.DataFrame({"group": ["01", "2024Q1"], "n": [1, 2]}))
    got = pio.read_csv_optional(tmp_path / "t.csv", dtype={"group": str})
    assert got["group"].tolist() == ["01", "2024Q1"] and got["n"].tolist() == [1, 2]
