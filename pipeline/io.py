"""File I/O shared by the stages: atomic writes (a killed stage leaves no partial output) and readers."""
from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import numpy as np
import pandas as pd

_UMASK = os.umask(0)
os.umask(_UMASK)

# reports/rejected.csv: one row a file or document not used (written by ingest, extended by clean)
REJECT_COLUMNS = ["item", "article_id", "stage", "code", "reason", "kept_id"]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def sweep_stale_temps(target: Path) -> None:
    """Remove temporaries of `target` left by killed processes (a SIGKILL skips every cleanup handler)."""
    for tmp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        parts = tmp.name[len(target.name) + 2:].split(".")
        if parts and parts[0].isdigit() and int(parts[0]) != os.getpid() and not _pid_alive(int(parts[0])):
            with contextlib.suppress(OSError):
                shutil.rmtree(tmp) if tmp.is_dir() and not tmp.is_symlink() else tmp.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _not_writable(target: Path, exc: OSError) -> SystemExit:
    """A read-only output directory as one line naming it and what to do (SystemExit: no traceback)."""
    where = Path(exc.filename).parent if exc.filename else target.parent  # the directory the entry was refused in
    return SystemExit(f"{target}: cannot be written, {where} is not writable ({exc.strerror}); make it writable "
                      f"(chmod -R u+w {where}) and run again")


@contextlib.contextmanager
def _writable(target: Path) -> Iterator[None]:
    try:
        yield
    except PermissionError as exc:
        raise _not_writable(target, exc) from None


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it into place only if the block succeeds.

    The temporary is flushed to disk before the rename, so after a crash or a kill `path` holds either the
    old or the new content, never a mix. Its name carries the writer's pid so that a later write can sweep
    what a killed writer left.
    """
    target = Path(path)
    with _writable(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale_temps(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs should read like any other file
    try:
        yield Path(tmp)
        _fsync(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Like atomic_path for a directory output: fill the yielded directory; it replaces `path` only if the
    block succeeds (the old one is removed just before, so a crash at that instant leaves none, never a mix)."""
    target = Path(path)
    with _writable(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale_temps(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_UMASK)
    try:
        yield tmp
        for f in tmp.rglob("*"):
            if f.is_file():
                _fsync(f)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_json(path: str | os.PathLike, obj: Any) -> None:
    write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default) + "\n")


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _missing(path: str | os.PathLike) -> FileNotFoundError:
    return FileNotFoundError(f"{path}: not found; it is made by an earlier stage: run `dvc repro`")


def read_json(path: str | os.PathLike) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _missing(path) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc


def write_parquet(path: str | os.PathLike, df: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)


def read_parquet(path: str | os.PathLike) -> pd.DataFrame:
    if not Path(path).exists():
        raise _missing(path)
    return pd.read_parquet(path)


def write_csv(path: str | os.PathLike, df: pd.DataFrame) -> None:
    # lineterminator fixed so that outputs are byte-identical across platforms
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n")


def read_csv_optional(path: str | os.PathLike, **kw) -> pd.DataFrame:
    """An optional table (a figure or report input that a run may not produce): empty when absent or empty."""
    p = Path(path)
    if not p.exists() or p.stat().st_size <= 1:
        return pd.DataFrame()
    try:
        return pd.read_csv(p, **kw)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def sha256_text(text: str) -> str:
    """The content key of a text (segment and embedding caches)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def corpus_digest(path: str | os.PathLike) -> dict:
    """sha256 over the corpus's files (relative names and bytes, sorted): the data hash a report cites."""
    root = Path(path)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()
                                                  and not any(part.startswith(".") for part in p.relative_to(root).parts))
    h = hashlib.sha256()
    size = 0
    for f in files:
        name = f.name if root.is_file() else f.relative_to(root).as_posix()
        h.update(name.encode("utf-8") + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
                size += len(block)
    return {"sha256": h.hexdigest(), "n_files": len(files), "bytes": size}


# embeddings: written by the embed stage, read by topics, evaluate and figures

def save_embeddings(path: str | Path, unit_ids: list[str], vectors: np.ndarray) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, unit_id=np.array(unit_ids), vectors=vectors)


def load_embeddings(path: str | Path) -> tuple[list[str], np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return [str(u) for u in data["unit_id"]], data["vectors"]
