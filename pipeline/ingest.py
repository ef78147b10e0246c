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
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd

from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.io import REJECT_COLUMNS

# `item` says where an article came from (file, or file:line for JSONL/CSV records)
ARTICLE_COLUMNS = ["article_id", "title", "text", "date", "source", "series", "part", "label", "url", "author",
                   "file", "item"]
EXTENSIONS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html",
              ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
RECORD_FIELDS = ("id", "title", "text", "date", "source", "series", "part", "label", "url", "author")
SIDECAR_COLUMNS = ("series", "part", "date", "source", "url", "title", "label", "author")
SIDECAR_ALIASES = {"outlet": "source", "file_name": "file", "filename": "file"}
# "Kinhtedothi - lead", "(NLĐ)- lead", "VOV.VN - lead": an outlet name that opens the lead paragraph
_OUTLET_LEAD = re.compile(r"^(?P<outlet>[A-ZĐ][\w.&]{2,30}|\([A-ZĐ][\w.& ]{1,15}\))\s*[-–—]\s+(?P<lead>\S.*)$")
# place datelines look the same ("TP.HCM - Sáng nay", "HUẾ - ") but are part of the text, not an outlet
_CITY_DATELINE = re.compile(r"^(TP\.?\s?HCM|TPHCM|HCM|TP|HN)$", re.I)
_MAGIC = {b"%PDF": "PDF", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"PK\x03\x04": "ZIP/Office",
          b"\xd0\xcf\x11\xe0": "MS Office (OLE)", b"{\\rtf": "RTF", b"\x7fELF": "executable"}
# UTF-8 read as Windows-1252/Latin-1 and saved again: "Ä‘" for đ, "á»" / "áº" for ơ/ư/ạ..., "Æ°" for ư
_MOJIBAKE = re.compile(r"Ä‘|Ä\x91|á»|áº|Æ°|Æ¡|Ã¡|Ã |Ã¢|Ãª|Ã´|Ã³|Ã­|Ãº")


class IngestError(ValueError):
    """Input that cannot be read at all; the message names the file (and line)."""


@dataclass
class IngestResult:
    articles: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def reject(self, item: str, code: str, reason: str, article_id: str | None = None) -> None:
        self.rejected.append({"item": item, "article_id": article_id, "stage": "ingest", "code": code,
                              "reason": reason, "kept_id": None})


def decode(data: bytes, name: str) -> str:
    """Bytes -> text for UTF-8 (with or without BOM) and UTF-16/32 with BOM; anything else is an error naming the file.

    Legacy Vietnamese encodings (TCVN3, VNI, Windows-1258) are never guessed: a wrong guess is silent mojibake.
    """
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(f"{name}: starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()} "
                                  f"({exc.reason} at byte {exc.start})") from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"{name}: binary file ({kind}), not text")
    if b"\x00" in data[:4096]:
        raise IngestError(f"{name}: binary file (NUL bytes and no UTF-16 byte-order mark); expected UTF-8 or UTF-16 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start}); re-save it as UTF-8 "
                          "(legacy encodings such as TCVN3/VNI/Windows-1258/Latin-1 are not guessed, to avoid mojibake)") from exc
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > 8:
        raise IngestError(f"{name}: binary file ({controls} control characters in the first 4 KB), not text")
    if len(_MOJIBAKE.findall(text[:20000])) >= 3:
        raise IngestError(f"{name}: looks like mojibake (UTF-8 text that was decoded as Latin-1/Windows-1252 and saved "
                          "again, e.g. 'Ä‘' for 'đ'); fix the file at its source")
    return text


def file_format(name: str, declared: str) -> str | None:
    """corpus.format when forced, else by extension (a trailing .gz is looked through)."""
    if declared != "auto":
        return declared
    return EXTENSIONS.get(PurePath(name.removesuffix(".gz")).suffix.lower())


def article_id_for(name: str) -> str:
    """Stable id of a one-article file: its relative path without extensions ('a/x.txt.gz' -> 'a/x')."""
    path = PurePath(name.removesuffix(".gz"))
    return path.with_suffix("").as_posix() if path.suffix else path.as_posix()


def split_outlet_lead(line: str) -> tuple[str | None, str]:
    """'Kinhtedothi - Lead text' -> ('Kinhtedothi', 'Lead text'); a place dateline or anything else stays."""
    m = _OUTLET_LEAD.match(line.strip())
    if not m:
        return None, line
    outlet = m.group("outlet").strip("()").strip()
    # upper-case with Vietnamese letters ("HUẾ") is a place; VOV, TTXVN, (NLĐ), Kinhtedothi are outlets
    if _CITY_DATELINE.match(outlet) or (outlet.isupper() and any(ord(c) > 127 and c not in "Đ" for c in outlet)):
        return None, line
    return outlet, m.group("lead")


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
            source, body[i] = split_outlet_lead(line)
            break
    return {"title": title, "text": "\n".join([title, *body]).strip(), "source": source}


def parse_html(html: str) -> dict | None:
    """Title, body, date (ISO), author, site and URL of a saved page, by trafilatura; None if no body."""
    import trafilatura  # heavy import, only needed for HTML

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, include_images=False,
        favor_precision=True, deduplicate=False,
        # no extensive search: it guesses dates from any text (related-article stamps); publication over update
        date_extraction_params={"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"})
    if doc is None:
        return None
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = (d.get("text") or "").strip()
    if not body:
        return None
    title = (d.get("title") or "").strip() or None
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    if title and lines and lines[0] == title:  # trafilatura keeps the <h1> when it is inside the article
        lines.pop(0)
    if not lines:  # an index page: its heading is all trafilatura found
        return None
    outlet, lines[0] = split_outlet_lead(lines[0])
    text = "\n".join([title, *lines] if title else lines)
    return {"title": title, "text": text, "date": d.get("date"), "author": d.get("author"),
            "source": d.get("sitename") or outlet or d.get("hostname"), "url": d.get("url")}


def _value(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    value = str(value).strip()
    return value or None


def _record(raw: dict, fields: dict) -> dict:
    """Map one JSON/CSV record onto article fields by corpus.fields; raises KeyError for a missing text column."""
    out = {}
    for name in RECORD_FIELDS:
        column = fields.get(name)
        if not column:
            out[name] = None
        elif column in raw:
            out[name] = _value(raw[column])
        elif name == "text":
            raise KeyError(f"no column '{column}' (corpus.fields.text); columns are: {', '.join(map(str, raw))}")
        else:
            out[name] = None
    return out


def _add(result: IngestResult, rec: dict, where: str, file_name: str, seen: dict) -> None:
    text = (rec.get("text") or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    article_id = rec.get("id") or where
    if not text:
        result.reject(where, "empty_text", "no text (empty or only whitespace)", article_id)
        return
    if article_id in seen:
        result.reject(where, "duplicate_id", f"duplicate article_id '{article_id}' (first seen at {seen[article_id]})",
                      article_id)
        return
    seen[article_id] = where
    title = rec.get("title")
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    result.articles.append({
        "article_id": article_id, "title": title, "text": text, "date": rec.get("date"), "source": rec.get("source"),
        "series": rec.get("series"), "part": rec.get("part"), "label": rec.get("label"), "url": rec.get("url"),
        "author": rec.get("author"), "file": file_name, "item": where,
    })


def _json_records(text: str, name: str, result: IngestResult):
    """(where, lineno, object) for each record of JSON lines, or of one JSON array in a .json file."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            array = json.loads(text)
        except json.JSONDecodeError:
            array = None  # not one array: fall through to JSON lines (which reports the bad line)
        if isinstance(array, list):
            for i, raw in enumerate(array, start=1):
                yield f"{name}:{i}", i, raw
            return
    for lineno, line in enumerate(text.splitlines(), start=1):
        where = f"{name}:{lineno}"
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            result.reject(where, "malformed_json", f"{name}: malformed JSON on line {lineno}: {exc.msg} (column {exc.colno})")
            continue
        yield where, lineno, raw


def _csv_records(text: str, name: str, result: IngestResult, text_column: str):
    """(where, line, row dict) for each CSV record; `line` is where the record starts (fields may span lines)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # articles are longer than csv's default 128 KiB field limit
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        result.reject(name, "malformed_csv", f"{name}: unreadable CSV header ({exc or 'no rows'})")
        return
    header = [h.strip() for h in header]
    if text_column not in header:
        result.reject(name, "missing_text_column", f"{name}: no column '{text_column}' (corpus.fields.text); "
                      f"columns are: {', '.join(header)}")
        return
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            result.reject(f"{name}:{start}", "malformed_csv", f"{name}: unreadable CSV from line {start} on: {exc}")
            return
        where, lineno, start = f"{name}:{start}", start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.reject(where, "malformed_csv",
                          f"{name}: CSV record at line {lineno} has {len(row)} fields, the header has {len(header)}")
            continue
        yield where, lineno, dict(zip(header, row))


def ingest_files(files: list[tuple[str, bytes]], fmt: str = "auto", fields: dict | None = None,
                 sidecar: dict[str, dict] | None = None) -> IngestResult:
    """Pure core: (name, bytes) pairs -> articles and rejections. Names are relative paths, for messages and ids.

    Without corpus.fields, JSON/CSV columns named like the article fields (id, title, text, ...) are used."""
    fields = fields or {name: name for name in RECORD_FIELDS}
    sidecar = sidecar or {}
    result = IngestResult()
    seen: dict[str, str] = {}
    for name, data in files:
        kind = file_format(name, fmt)
        if kind is None:
            result.reject(name, "unknown_type", f"{name}: unknown file type '{PurePath(name).suffix}' "
                          "(expected .txt, .html, .jsonl, .json or .csv, optionally .gz)")
            continue
        if name.endswith(".gz") or data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error) as exc:
                result.reject(name, "bad_gzip", f"{name}: not a valid gzip file ({exc})")
                continue
        if not data.strip():
            result.reject(name, "empty_file", f"{name}: empty file")
            continue
        try:
            text = decode(data, name)
        except IngestError as exc:
            result.reject(name, "undecodable", str(exc))
            continue
        if not text.strip():
            result.reject(name, "empty_file", f"{name}: empty file (only whitespace)")
            continue
        if kind in ("txt", "html"):
            parsed = parse_txt(text) if kind == "txt" else parse_html(text)
            if parsed is None:
                result.reject(name, "no_html_body", f"{name}: HTML page with no article body (trafilatura found no main text)")
                continue
            rec = {"id": article_id_for(name), **parsed}
            meta = sidecar.get(name) or sidecar.get(PurePath(name).name) or {}
            for key in SIDECAR_COLUMNS:  # the sidecar overrides what was read or detected
                if meta.get(key) not in (None, ""):
                    rec[key] = meta[key]
            _add(result, rec, name, name, seen)
            continue
        records = (_json_records(text, name, result) if kind == "jsonl"
                   else _csv_records(text, name, result, fields.get("text")))
        stem = article_id_for(name)
        for where, lineno, raw in records:
            if not isinstance(raw, dict):
                result.reject(where, "malformed_json", f"{name}: record {lineno} is a JSON {type(raw).__name__}, expected an object")
                continue
            try:
                rec = _record(raw, fields)
            except KeyError as exc:
                result.reject(where, "missing_text_column", f"{name}: record {lineno}: {exc.args[0]}")
                continue
            rec["id"] = rec["id"] or f"{stem}:{lineno}"
            _add(result, rec, where, name, seen)
    return result


def read_sidecar(data: bytes, name: str) -> dict[str, dict]:
    """file name -> metadata from a sidecar CSV (column `file`, plus any of SIDECAR_COLUMNS; `outlet` = `source`)."""
    frame = pd.read_csv(io.StringIO(decode(data, name)), dtype=str, keep_default_na=False)
    frame.columns = [SIDECAR_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in frame.columns]
    if "file" not in frame.columns:
        raise IngestError(f"{name}: sidecar needs a 'file' column; columns are: {', '.join(frame.columns)}")
    unknown = [c for c in frame.columns if c != "file" and c not in SIDECAR_COLUMNS]
    if unknown:
        raise IngestError(f"{name}: unknown sidecar column '{unknown[0]}'; allowed: file, outlet, {', '.join(SIDECAR_COLUMNS)}")
    out = {}
    for rowno, row in enumerate(frame.to_dict("records"), start=2):
        part = row.get("part", "").strip()
        if part and not part.isdigit():
            raise IngestError(f"{name}: line {rowno}: part {part!r} must be a whole number")
        out[row["file"].strip()] = {k: v.strip() for k, v in row.items() if k != "file"}
    return out


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


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("ingest", argv)
    params = P.load(ws.params_file)
    corpus = params["corpus"]
    root = ws.resolve(corpus["path"])
    sidecar_path = ws.resolve(corpus["sidecar"]) if corpus.get("sidecar") else None
    try:
        sidecar = read_sidecar(sidecar_path.read_bytes(), str(sidecar_path)) if sidecar_path else {}
        files = collect_files(root, skip={sidecar_path.resolve()} if sidecar_path else set())
    except (IngestError, OSError) as exc:
        raise SystemExit(f"ingest: {exc}") from exc
    names = {n for n, _ in files} | {PurePath(n).name for n, _ in files}
    for missing in sorted(set(sidecar) - names):
        print(f"ingest: warning: sidecar row for '{missing}' matches no file in {root}", file=sys.stderr)
    result = ingest_files(files, corpus.get("format", "auto"), corpus.get("fields"), sidecar)
    articles, rejected = to_frames(result)
    if articles.empty:
        reasons = "; ".join(r["reason"] for r in result.rejected[:5]) or "no files found"
        raise SystemExit(f"ingest: no usable article in {root} ({reasons})")
    pio.write_parquet(ws / paths.RAW_ARTICLES, articles)
    pio.write_csv(ws / paths.INGEST_REJECTED, rejected)
    print(f"ingest: {len(articles)} articles from {len(files)} file(s); {len(rejected)} rejected")


if __name__ == "__main__":
    main()
