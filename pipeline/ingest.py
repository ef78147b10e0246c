"""Ingest stage: raw articles in any supported format -> one table of articles, plus what was rejected.

Raw files are only read. Every file or record not used is listed with its reason; the stage fails only
when nothing usable remains.
"""
from __future__ import annotations

import codecs
import gzip
import io
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
from pipeline.records import RECORD_FIELDS, RecordError, csv_records, decode_lines, json_records, map_record, \
    unmapped_columns

# `item` says where an article came from (file, or file:line for JSONL/CSV records)
ARTICLE_COLUMNS = ["article_id", "title", "text", "date", "source", "series", "part", "label", "url", "author",
                   "file", "item"]
EXTENSIONS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html",
              ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
SIDECAR_COLUMNS = ("series", "part", "date", "source", "url", "title", "label", "author")
SIDECAR_ALIASES = {"outlet": "source", "file_name": "file", "filename": "file"}
# "Kinhtedothi - lead", "(NLĐ)- lead", "VOV.VN - lead": an outlet name that opens the lead paragraph
_OUTLET_LEAD = re.compile(r"^(?P<outlet>[A-ZĐ][\w.&]{2,30}|\([A-ZĐ][\w.& ]{1,15}\))\s*[-–—]\s+(?P<lead>\S.*)$")
# place datelines look the same ("TP.HCM - Sáng nay", "HUẾ - ") but are part of the text, not an outlet
_CITY_DATELINE = re.compile(r"^(TP\.?\s?HCM|TPHCM|HCM|TP|HN)$", re.I)
_MAGIC = {b"%PDF": "PDF", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"PK\x03\x04": "ZIP/Office",
          b"\xd0\xcf\x11\xe0": "MS Office (OLE)", b"{\\rtf": "RTF", b"\x7fELF": "executable"}
# UTF-8 read as Windows-1252/Latin-1 and saved again: "Ä‘" for đ, "á»" / "áº" for ơ/ư/ạ..., "Æ°" for ư, "Ã¡" for á.
# Only pairs that cannot occur in Vietnamese: Ã, Ä, Æ followed by Latin-1 punctuation or a Windows-1252 symbol
# (never by a space: "XÃ HỘI", "ĐÃ", "NGÃ" are real capitals), and á followed by » or º.
_MOJIBAKE = re.compile("[ÃÄÅÆ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                       "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|á[»º]")
# and they must be a noticeable share of the non-ASCII letters: a file is mojibake through and through, while one
# mis-encoded foreign name in a Vietnamese article is not a reason to reject it
_MOJIBAKE_SHARE = 0.05


class IngestError(ValueError):
    """Input that cannot be read at all; the message names the file (and line)."""


class NotUtf8Error(IngestError):
    """Bytes that are not UTF-8 (JSON Lines are then decoded line by line, so one bad byte costs one line)."""


@dataclass
class IngestResult:
    articles: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # nothing lost, but the user should know (one line each)
    seen: dict[str, str] = field(default_factory=dict)  # article_id -> where it was first read

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
        raise NotUtf8Error(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start}); re-save it as UTF-8 "
                          "(legacy encodings such as TCVN3/VNI/Windows-1258/Latin-1 are not guessed, to avoid mojibake)") from exc
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > 8:
        raise IngestError(f"{name}: binary file ({controls} control characters in the first 4 KB), not text")
    head = text[:20000]
    hits = len(_MOJIBAKE.findall(head))
    if hits >= 3 and hits >= _MOJIBAKE_SHARE * sum(1 for c in head if ord(c) > 127):
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
    if sum(1 for line in lines if line.strip()) == 1:
        # one line only: it is the body (a title is guessed from its start in clean), not an article that is all title
        return {"title": None, "text": lines[0].strip(), "source": None}
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


def listing_page(text: str, html: str) -> str | None:
    """Why a page's body looks like a listing of other articles (a category or search page saved by mistake), or
    None: most of its lines are teasers cut with an ellipsis, or are the text of a link (a headline). Three such
    lines at least, so that an article quoting one cut sentence or naming one link is kept."""
    import re

    lines = [line.strip() for line in text.split("\n")[1:] if line.strip()] or [text.strip()]
    teasers = sum(line.endswith(("…", "...")) for line in lines)
    anchors = {" ".join(re.sub(r"<[^>]+>", " ", a).split()) for a in re.findall(r"<a\b[^>]*>(.*?)</a>", html, re.S | re.I)}
    links = sum(line in anchors for line in lines)
    for count, what in ((teasers, "teasers ending in an ellipsis"), (links, "link texts (headlines)")):
        if count >= 3 and count >= len(lines) / 2:
            return (f"a listing of other articles, not one article: {count} of its {len(lines)} body lines are {what}; "
                    "save each article's own page instead")
    return None


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


def _sidecar_lookup(files: list[tuple[str, bytes]], sidecar: dict[str, dict], warn) -> dict[str, dict]:
    """Relative path -> sidecar row. A row keyed by a base name that several subfolders hold is applied to none of
    them (guessing would put one article's date on another), with one warning naming them all."""
    by_base: dict[str, list[str]] = {}
    for name, _ in files:
        by_base.setdefault(PurePath(name).name, []).append(name)
    names = {name for name, _ in files}
    out = {key: meta for key, meta in sidecar.items() if key in names}  # an exact relative path
    for key, meta in sidecar.items():
        matches = by_base.get(key, []) if key not in names and "/" not in key else []
        if len(matches) > 1:
            warn(f"sidecar row '{key}' matches {len(matches)} files ({', '.join(matches)}); applied to none of them: "
                 f"write the relative path (e.g. {matches[0]}) in its file column")
        elif matches:
            out.setdefault(matches[0], meta)
    return out


def _read_records(result: IngestResult, name: str, kind: str, text, fields: dict, explicit_fields: bool) -> None:
    """JSON/CSV records of one file -> articles (or rejections naming file:line and key)."""
    columns: set[str] = set()
    if kind == "jsonl":
        records = json_records(text, name, result.reject)
    else:
        records = csv_records(text, name, result.reject, fields.get("text"), result.warnings.append,
                              id_column=fields.get("id"), on_columns=columns.update)
    stem = article_id_for(name)
    seen = result.seen
    for where, lineno, raw in records:
        if not isinstance(raw, dict):
            result.reject(where, "malformed_json", f"{name}: record {lineno} is a JSON {type(raw).__name__}, expected an object")
            continue
        if kind == "jsonl":
            columns.update(map(str, raw))
        try:
            rec = map_record(raw, fields)
        except KeyError as exc:
            result.reject(where, "missing_text_column", f"{name}: record {lineno}: {exc.args[0]}")
            continue
        except RecordError as exc:
            rec_id = raw.get(fields.get("id")) if fields.get("id") else None
            result.reject(where, "bad_value", f"{name}: line {lineno}: {exc}; fix the record (the others are read)",
                          str(rec_id) if isinstance(rec_id, (str, int)) else None)
            continue
        rec["id"] = rec["id"] or f"{stem}:{lineno}"
        _add(result, rec, where, name, seen)
    unmapped = unmapped_columns(sorted(columns), fields) if explicit_fields else []
    if unmapped:
        result.warnings.append(
            f"{name}: column{'s' if len(unmapped) > 1 else ''} " + ", ".join(f"'{c}'" for _, c in unmapped)
            + " look like article fields but are not read; to use them set "
            + ", ".join(f"corpus.fields.{f}: {c}" for f, c in unmapped))


def ingest_files(files: list[tuple[str, bytes]], fmt: str = "auto", fields: dict | None = None,
                 sidecar: dict[str, dict] | None = None) -> IngestResult:
    """Pure core: (name, bytes) pairs -> articles and rejections. Names are relative paths, for messages and ids.

    Without corpus.fields, JSON/CSV columns named like the article fields (id, title, text, ...) are used."""
    explicit_fields = bool(fields)
    fields = fields or {name: name for name in RECORD_FIELDS}
    result = IngestResult()
    meta_of = _sidecar_lookup(files, sidecar or {}, result.warnings.append)
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
        except NotUtf8Error as exc:
            if kind != "jsonl":
                result.reject(name, "undecodable", str(exc))
                continue
            text = decode_lines(data.removeprefix(codecs.BOM_UTF8), name, result.reject)  # one bad byte costs its line
        except IngestError as exc:
            result.reject(name, "undecodable", str(exc))
            continue
        if isinstance(text, str) and not text.strip():
            result.reject(name, "empty_file", f"{name}: empty file (only whitespace)")
            continue
        if kind in ("txt", "html"):
            parsed = parse_txt(text) if kind == "txt" else parse_html(text)
            if parsed is None:
                result.reject(name, "no_html_body", f"{name}: HTML page with no article body (trafilatura found no main text)")
                continue
            if kind == "html" and (why := listing_page(parsed["text"], text)):
                result.reject(name, "listing_page", f"{name}: {why}")
                continue
            rec = {"id": article_id_for(name), **parsed}
            meta = meta_of.get(name, {})
            for key in SIDECAR_COLUMNS:  # the sidecar overrides what was read or detected
                if meta.get(key) not in (None, ""):
                    rec[key] = meta[key]
            _add(result, rec, name, name, result.seen)
            continue
        _read_records(result, name, kind, text, fields, explicit_fields)
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
    if sidecar_path is not None and not sidecar_path.is_file():
        raise SystemExit(f"ingest: corpus.sidecar = {corpus['sidecar']!r}: no such file ({sidecar_path}); "
                         "give the path of the metadata CSV, or null")
    try:
        sidecar = read_sidecar(sidecar_path.read_bytes(), str(sidecar_path)) if sidecar_path else {}
        files = collect_files(root, skip={sidecar_path.resolve()} if sidecar_path else set())
    except (IngestError, OSError) as exc:
        raise SystemExit(f"ingest: {exc}") from exc
    names = {n for n, _ in files} | {PurePath(n).name for n, _ in files}
    for missing in sorted(set(sidecar) - names):
        print(f"ingest: warning: sidecar row for '{missing}' matches no file in {root}", file=sys.stderr)
    result = ingest_files(files, corpus.get("format", "auto"), corpus.get("fields"), sidecar)
    for warning in result.warnings:
        print(f"ingest: warning: {warning}", file=sys.stderr)
    articles, rejected = to_frames(result)
    if articles.empty:
        reasons = "; ".join(r["reason"] for r in result.rejected[:5]) or "no files found"
        raise SystemExit(f"ingest: no usable article in {root} ({reasons})")
    pio.write_parquet(ws / paths.RAW_ARTICLES, articles)
    pio.write_csv(ws / paths.INGEST_REJECTED, rejected)
    pio.write_json(ws / paths.INGEST_WARNINGS, result.warnings)  # clean puts them in reports/cleaning.json
    print(f"ingest: {len(articles)} articles from {len(files)} file(s); {len(rejected)} rejected")


if __name__ == "__main__":
    main()
