"""Ingest stage: raw articles in any supported format -> one table of articles, plus what was rejected.

Raw files are only read. Every file or record not used is listed with its reason; the stage fails only
when nothing usable remains.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd

from pipeline import io as pio
from pipeline import params as P

ARTICLE_COLUMNS = ["article_id", "title", "text", "date", "source", "series", "part", "label", "url", "author", "file"]
REJECT_COLUMNS = ["item", "article_id", "stage", "reason", "kept_id"]
EXTENSIONS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html",
              ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
SIDECAR_COLUMNS = ("series", "part", "date", "source", "url", "title", "label")
# "Kinhtedothi - lead", "(NLĐ)- lead": an outlet name that opens the lead paragraph
_OUTLET_LEAD = re.compile(r"^(?P<outlet>[A-ZĐ][\w.]{2,30}|\([A-ZĐ][\w.]{1,15}\))\s*[-–—]\s+(?P<lead>\S.*)$")


class IngestError(ValueError):
    """Input that cannot be read at all; the message names the file (and line)."""


@dataclass
class IngestResult:
    articles: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def reject(self, item: str, reason: str, article_id: str | None = None) -> None:
        self.rejected.append({"item": item, "article_id": article_id, "stage": "ingest", "reason": reason, "kept_id": None})


def decode(data: bytes, name: str) -> str:
    """Bytes -> text for UTF-8 (with or without BOM) and UTF-16 with BOM; anything else is an error."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{name}: starts with a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason} at byte {exc.start})") from exc
    if b"\x00" in data[:4096]:
        raise IngestError(f"{name}: binary file (NUL bytes and no UTF-16 byte-order mark); expected UTF-8 or UTF-16 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start}); re-save it as UTF-8 "
                          "(legacy Vietnamese encodings such as TCVN3/VNI are not guessed, to avoid mojibake)") from exc


def file_format(name: str, declared: str) -> str | None:
    if declared != "auto":
        return declared
    suffixes = PurePath(name.removesuffix(".gz")).suffix.lower()
    return EXTENSIONS.get(suffixes)


def parse_txt(text: str) -> dict:
    """A copied article: title on the first line, an optional "Outlet - " lead, then the body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return {"title": None, "text": "", "source": None}
    title = lines[0].strip()
    body = lines[1:]
    source = None
    for i, line in enumerate(body):
        if line.strip():
            m = _OUTLET_LEAD.match(line.strip())
            if m:
                source = m.group("outlet").strip("()")
                body[i] = m.group("lead")
            break
    return {"title": title, "text": "\n".join([title, *body]).strip(), "source": source}


def parse_html(html: str) -> dict | None:
    """Title, body, date, author, site and URL of a saved page, by trafilatura; None if no body."""
    import trafilatura  # heavy import, only needed for HTML

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                      include_images=False, favor_precision=True)
    if doc is None:
        return None
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = (d.get("text") or "").strip()
    if not body:
        return None
    title = (d.get("title") or "").strip() or None
    return {"title": title, "text": f"{title}\n{body}" if title else body, "date": d.get("date"),
            "author": d.get("author"), "source": d.get("sitename") or d.get("hostname"), "url": d.get("url")}


def _record(raw: dict, fields: dict, where: str) -> dict:
    """Map one JSON/CSV record onto article fields by corpus.fields; raises KeyError for a missing text column."""
    out = {}
    for name in ("id", "title", "text", "date", "source", "series", "label", "url"):
        column = fields.get(name)
        if not column:
            out[name] = None
            continue
        if column not in raw:
            if name == "text":
                raise KeyError(f"{where}: no column '{column}' (corpus.fields.text); columns are: {', '.join(map(str, raw))}")
            out[name] = None
            continue
        value = raw[column]
        out[name] = None if value is None or (isinstance(value, float) and value != value) or value == "" else str(value)
    return out


def _add(result: IngestResult, rec: dict, where: str, file_name: str, seen: dict) -> None:
    text = (rec.get("text") or "").strip()
    article_id = rec.get("id") or where
    if not text:
        result.reject(where, "empty text", article_id)
        return
    if article_id in seen:
        result.reject(where, f"duplicate article_id (first seen at {seen[article_id]})", article_id)
        return
    seen[article_id] = where
    title = rec.get("title")
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    result.articles.append({
        "article_id": article_id, "title": title, "text": text, "date": rec.get("date"), "source": rec.get("source"),
        "series": rec.get("series"), "part": rec.get("part"), "label": rec.get("label"), "url": rec.get("url"),
        "author": rec.get("author"), "file": file_name,
    })


def ingest_files(files: list[tuple[str, bytes]], fmt: str = "auto", fields: dict | None = None,
                 sidecar: dict[str, dict] | None = None) -> IngestResult:
    """Pure core: (name, bytes) pairs -> articles and rejections. Names are relative paths, for messages and ids."""
    fields = fields or {"text": "text"}
    sidecar = sidecar or {}
    result = IngestResult()
    seen: dict[str, str] = {}
    for name, data in files:
        kind = file_format(name, fmt)
        if kind is None:
            result.reject(name, f"unknown file type '{PurePath(name).suffix}' (expected .txt, .html, .jsonl or .csv)")
            continue
        if not data.strip():
            result.reject(name, "empty file")
            continue
        if name.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except OSError as exc:
                result.reject(name, f"not a valid gzip file ({exc})")
                continue
        try:
            text = decode(data, name)
        except IngestError as exc:
            result.reject(name, str(exc))
            continue
        meta = sidecar.get(name) or sidecar.get(PurePath(name).name) or {}
        stem = PurePath(name).stem
        if kind in ("txt", "html"):
            parsed = parse_txt(text) if kind == "txt" else parse_html(text)
            if parsed is None:
                result.reject(name, "HTML page with no article body")
                continue
            rec = {"id": stem, **parsed}
            for key in SIDECAR_COLUMNS:  # the sidecar overrides what was read or detected
                if meta.get(key) not in (None, ""):
                    rec[key] = meta[key]
            _add(result, rec, name, name, seen)
        elif kind == "jsonl":
            for lineno, line in enumerate(text.splitlines(), start=1):
                where = f"{name}:{lineno}"
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    result.reject(where, f"malformed JSON on line {lineno}: {exc.msg} (column {exc.colno})")
                    continue
                if not isinstance(raw, dict):
                    result.reject(where, f"line {lineno} is a JSON {type(raw).__name__}, expected an object")
                    continue
                try:
                    rec = _record(raw, fields, where)
                except KeyError as exc:
                    result.reject(where, exc.args[0])
                    continue
                rec["id"] = rec["id"] or f"{stem}:{lineno}"
                _add(result, rec, where, name, seen)
        elif kind == "csv":
            try:
                frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            except (pd.errors.ParserError, csv.Error) as exc:
                result.reject(name, f"unreadable CSV: {exc}")
                continue
            if fields.get("text") not in frame.columns:
                result.reject(name, f"no column '{fields.get('text')}' (corpus.fields.text); columns are: {', '.join(frame.columns)}")
                continue
            for rowno, raw in enumerate(frame.to_dict("records"), start=2):  # line 1 is the header
                where = f"{name}:{rowno}"
                rec = _record(raw, fields, where)
                rec["id"] = rec["id"] or f"{stem}:{rowno}"
                _add(result, rec, where, name, seen)
    return result


def read_sidecar(path: Path) -> dict[str, dict]:
    """file name -> metadata from a sidecar CSV (column `file` plus any of SIDECAR_COLUMNS)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "file" not in frame.columns:
        raise IngestError(f"{path}: sidecar needs a 'file' column; columns are: {', '.join(frame.columns)}")
    unknown = [c for c in frame.columns if c != "file" and c not in SIDECAR_COLUMNS]
    if unknown:
        raise IngestError(f"{path}: unknown sidecar column '{unknown[0]}'; allowed: file, {', '.join(SIDECAR_COLUMNS)}")
    return {row["file"]: {k: v for k, v in row.items() if k != "file"} for row in frame.to_dict("records")}


def collect_files(root: Path, skip: set[Path] = frozenset()) -> list[tuple[str, bytes]]:
    """(relative name, bytes) for a file, or for every file below a folder in sorted order; hidden files skipped."""
    if root.is_file():
        return [(root.name, root.read_bytes())]
    if not root.is_dir():
        raise IngestError(f"corpus.path: {root} does not exist")
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or path.resolve() in skip:
            continue
        out.append((rel.as_posix(), path.read_bytes()))
    return out


def to_frames(result: IngestResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    articles = pd.DataFrame(result.articles, columns=ARTICLE_COLUMNS)
    articles["part"] = pd.to_numeric(articles["part"], errors="coerce").astype("Int64")
    rejected = pd.DataFrame(result.rejected, columns=REJECT_COLUMNS)
    return articles, rejected


def main() -> None:
    params = P.load()
    corpus = params["corpus"]
    root = pio.resolve(corpus["path"])
    sidecar_path = pio.resolve(corpus["sidecar"]) if corpus.get("sidecar") else None
    sidecar = read_sidecar(sidecar_path) if sidecar_path else {}
    files = collect_files(root, skip={sidecar_path.resolve()} if sidecar_path else set())
    result = ingest_files(files, corpus.get("format", "auto"), corpus.get("fields"), sidecar)
    articles, rejected = to_frames(result)
    if articles.empty:
        reasons = "; ".join(f"{r['item']}: {r['reason']}" for r in result.rejected[:5]) or "no files found"
        raise SystemExit(f"ingest: no usable article in {root} ({reasons})")
    pio.write_parquet("data/interim/raw_articles.parquet", articles)
    pio.write_csv("data/interim/ingest_rejected.csv", rejected)
    print(f"ingest: {len(articles)} articles from {len(files)} file(s); {len(rejected)} rejected")


if __name__ == "__main__":
    main()
