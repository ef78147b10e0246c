"""Readers of record files (JSON Lines, JSON arrays, CSV) for the ingest stage.

Each reader yields (where, line, raw record) and reports what it cannot read through `reject(item, code, reason,
article_id=None)`, naming the file and the line, so that a bad record costs that record and nothing else.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterator

Reject = Callable[..., None]
RECORD_FIELDS = ("id", "title", "text", "date", "source", "series", "part", "label", "url", "author")
# column names that mean an article field although corpus.fields does not map them (compared lower-case)
FIELD_ALIASES = {
    "id": ("id", "article_id", "doc_id"),
    "title": ("title", "headline", "tieu_de", "tiêu đề"),
    "text": ("text", "content", "body", "noi_dung", "nội dung"),
    "date": ("date", "published", "published_at", "publish_date", "pub_date", "datetime", "ngay", "ngày"),
    "source": ("source", "outlet", "publisher", "site"),
    "series": ("series",),
    "label": ("label", "category"),
    "url": ("url", "link"),
    "author": ("author", "byline", "tac_gia", "tác giả"),
}
_DELIMITERS = ",;\t|"


class RecordError(ValueError):
    """A record that cannot become an article; `key` names the offending column."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def lines_of(text: str) -> list[str]:
    """Lines split on \\n (and \\r\\n) only: JSON strings may hold U+2028, U+2029 or U+0085, which
    str.splitlines() would take for line ends, breaking the record and shifting every later line number."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def decode_lines(data: bytes, name: str, reject: Reject) -> list[tuple[int, str]]:
    """UTF-8 JSON Lines decoded line by line: a line with a bad byte is rejected by its number, the rest are kept."""
    out = []
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        try:
            out.append((lineno, raw.decode("utf-8").removesuffix("\r")))
        except UnicodeDecodeError as exc:
            reject(f"{name}:{lineno}", "undecodable",
                   f"{name}: line {lineno} is not UTF-8 ({exc.reason} at column {exc.start + 1}); "
                   "re-save the file as UTF-8 (the other lines are read)")
    return out


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _array_items(text: str) -> Iterator[tuple[int, object]]:
    """(line where the item starts, item) for each element of a JSON array; raises JSONDecodeError."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[ \t\n\r]*")
    pos = ws.match(text, text.index("[") + 1).end()
    if text[pos:pos + 1] == "]":
        return
    while True:
        item, end = decoder.raw_decode(text, pos)
        yield _line_of(text, pos), item
        pos = ws.match(text, end).end()
        if text[pos:pos + 1] == ",":
            pos = ws.match(text, pos + 1).end()
            continue
        if text[pos:pos + 1] == "]" and not text[pos + 1:].strip():
            return
        raise json.JSONDecodeError("expected ',' or ']' after an array item", text, pos)


def json_records(source: str | list[tuple[int, str]], name: str, reject: Reject):
    """(where, line, object) for each record of JSON Lines, of one JSON array, or of one pretty-printed object.

    `source` is the decoded text, or (line number, line) pairs when the file was decoded line by line."""
    pairs = list(enumerate(lines_of(source), start=1)) if isinstance(source, str) else source
    first = next(((n, line) for n, line in pairs if line.strip()), None)
    if first is None:
        return
    if isinstance(source, str) and source.lstrip().startswith("["):
        # one JSON array of records, pretty-printed or not; records are numbered by position, as before
        try:
            items = [item for _, item in _array_items(source)]
        except json.JSONDecodeError as exc:
            items = None
            if not _is_json(first[1]):  # not JSON Lines either: one message for the file, not one per line
                line = _line_of(source, exc.pos)
                reject(f"{name}:{line}", "malformed_json",
                       f"{name}: neither JSON Lines nor one valid JSON array: {exc.msg} on line {line}; write one "
                       "record a line (JSON Lines) or one JSON array of records; nothing in this file was read")
                return
        if items is not None:
            yield from ((f"{name}:{i}", i, item) for i, item in enumerate(items, start=1))
            return
    elif isinstance(source, str) and first[1].lstrip().startswith("{") and not _is_json(first[1]):
        try:  # one record pretty-printed over several lines
            yield f"{name}:{first[0]}", first[0], json.loads(source)
        except json.JSONDecodeError as exc:
            # JSON Lines whose first line is broken, or a broken document: read line by line, each bad line named
            if not any(_is_json(line) for _, line in pairs[first[0]:first[0] + 50] if line.strip()):
                line = _line_of(source, exc.pos)
                reject(f"{name}:{line}", "malformed_json",
                       f"{name}: neither JSON Lines nor one valid JSON object: {exc.msg} on line {line}; write one "
                       "record a line (JSON Lines) or one JSON array of records; nothing in this file was read")
                return
        else:
            return
    for lineno, line in pairs:
        where = f"{name}:{lineno}"
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            reject(where, "malformed_json", f"{name}: malformed JSON on line {lineno}: {exc.msg} (column {exc.colno})")
            continue
        yield where, lineno, raw


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _sniff_delimiter(first_line: str, text_column: str) -> str:
    """',' unless only another delimiter (';', tab, '|') splits the header into columns that include the text one."""
    for delim in _DELIMITERS:
        cells = [c.strip().strip('"') for c in first_line.split(delim)]
        if text_column in cells and len(cells) > 1:
            return delim
    return ","


def _start_offsets(text: str) -> list[int]:
    """Offset of the start of each physical line (index 0 = line 1)."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


def csv_records(text: str, name: str, reject: Reject, text_column: str, warn: Callable[[str], None],
                id_column: str | None = None, on_columns: Callable[[list[str]], None] = lambda cols: None):
    """(where, line, row dict) for each CSV record; `line` is where the record starts (fields may span lines).

    Read strictly: a quote that is opened and never closed (it swallows the records after it) stops the reader at
    the next quote; that record is rejected, naming its line and id, and reading resumes on the line after it."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # articles are longer than csv's default 128 KiB field limit
    physical = lines_of(text)
    delim = _sniff_delimiter(physical[0], text_column)
    if delim != ",":
        warn(f"{name}: read with delimiter {delim!r} (its header is separated by {delim!r}, not commas)")
    offsets = _start_offsets(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    base = 0  # physical lines before the reader's start (after a resync)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        reject(name, "malformed_csv", f"{name}: unreadable CSV header ({exc or 'no rows'})")
        return
    header = [h.strip() for h in header]
    if text_column not in header:
        hint = "; if its columns are separated by another character, save it with commas" if len(header) == 1 else ""
        reject(name, "missing_text_column", f"{name}: no column '{text_column}' (corpus.fields.text); "
               f"columns are: {', '.join(header)}{hint}")
        return
    on_columns(header)
    id_index = header.index(id_column) if id_column in header else None
    shapes: set[str] = set()  # what the ids read so far look like ("q0" for q1, q2, ...), to find a record start
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # the record from `start` opened a quote that never closes: name it, skip what it swallowed of its own,
            # and read on from the next line where a record of this file starts
            alone = next(csv.reader([physical[start - 1]], delimiter=delim), [])
            rec_id = _cell(header, alone, id_column)
            resume = _next_record_line(text, physical, offsets, start + 1, delim, len(header), id_index, shapes)
            skipped = f"lines {start}-{resume - 1} are" if resume - 1 > start else f"line {start} is"
            reject(f"{name}:{start}", "malformed_csv",
                   f"{name}: line {start}{f' (id {rec_id})' if rec_id else ''}: a quote opened in this record is "
                   f"never closed ({exc}); {skipped} skipped; close the quote, or double quotes inside a quoted "
                   "field (\"\")", rec_id)
            if resume > len(physical):
                return
            base = resume - 1
            reader = csv.reader(io.StringIO(text[offsets[base]:], newline=""), delimiter=delim, strict=True)
            start = resume
            continue
        where, lineno, start = f"{name}:{start}", start, base + reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            rec_id = _cell(header, row, id_column)
            reject(where, "malformed_csv",
                   f"{name}: CSV record at line {lineno}{f' (id {rec_id})' if rec_id else ''} has {len(row)} fields, "
                   f"the header has {len(header)}", rec_id)
            continue
        if id_index is not None:
            shapes.add(_shape(row[id_index]))
        yield where, lineno, dict(zip(header, row))


def _cell(header: list[str], row: list[str], column: str | None) -> str | None:
    return (dict(zip(header, row)).get(column) or "").strip() or None if column else None


def _shape(value: str) -> str:
    return re.sub(r"\d+", "0", value.strip())


def _next_record_line(text: str, physical: list[str], offsets: list[int], first: int, delim: str, n_fields: int,
                      id_index: int | None, shapes: set[str], window: int = 200) -> int:
    """The first line from `first` on that starts a well-formed record (its id shaped like the ids read so far);
    len(physical) + 1 when none does. Each try reads at most `window` lines, so the search stays linear."""
    for k in range(first, len(physical) + 1):
        if not physical[k - 1].strip():
            continue
        end = offsets[min(k - 1 + window, len(offsets) - 1)] if k - 1 + window < len(offsets) else len(text)
        try:
            row = next(csv.reader(io.StringIO(text[offsets[k - 1]:end], newline=""), delimiter=delim, strict=True))
        except (csv.Error, StopIteration):
            continue
        if len(row) == n_fields and (id_index is None or not shapes or _shape(row[id_index]) in shapes):
            return k
    return len(physical) + 1


def _value(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    value = str(value).strip()
    return value or None


def map_record(raw: dict, fields: dict) -> dict:
    """Map one JSON/CSV record onto article fields by corpus.fields.

    A list of strings as `text` is its paragraphs (joined by line breaks); any other list or object is an error
    naming the key, never its Python repr. Raises KeyError for a missing text column, RecordError for a bad value."""
    out = {}
    for name in RECORD_FIELDS:
        column = fields.get(name)
        if not column:
            out[name] = None
        elif column in raw:
            value = raw[column]
            if isinstance(value, list) and name == "text" and all(isinstance(v, str) or v is None for v in value):
                value = "\n".join(v for v in value if v)
            elif isinstance(value, (list, dict)):
                kind = "an object" if isinstance(value, dict) else "a list"
                want = "a string or a list of strings (paragraphs)" if name == "text" else "a string or a number"
                raise RecordError(column, f"key '{column}' (corpus.fields.{name}) is {kind}; expected {want}")
            out[name] = _value(value)
        elif name == "text":
            raise KeyError(f"no column '{column}' (corpus.fields.text); columns are: {', '.join(map(str, raw))}")
        else:
            out[name] = None
    return out


def unmapped_columns(columns, fields: dict) -> list[tuple[str, str]]:
    """(field, column) for columns named like an article field that corpus.fields does not read."""
    used = {c for c in fields.values() if c}
    lower = {str(c).strip().lower(): c for c in columns}
    out = []
    for name, aliases in FIELD_ALIASES.items():
        if fields.get(name) and fields[name] in lower.values():
            continue  # the field is read from its own column
        for alias in aliases:
            col = lower.get(alias)
            if col is not None and col not in used:
                out.append((name, col))
                break
    return out
