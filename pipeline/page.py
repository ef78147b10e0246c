"""report.md as one page that opens offline: markdown-it-py's HTML of the Markdown inside
templates/report.html.j2, with templates/report.css inlined, ids on the sections and a contents list, each
figure a <figure> with its PNG inlined as a data URI (no script, no CDN, no file beside it)."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markdown_it.token import Token

TEMPLATES = Path(__file__).resolve().parent / "templates"
SCREEN_SCALE = 1.35  # a figure shows at its printed width (manifest width_in), enlarged a little for the screen


def to_html(md: str, title: str, figures: dict[str, dict]) -> str:
    """The Markdown as one offline page: markdown-it-py's HTML, section ids and a contents list, each figure
    a <figure> with its PNG as a data URI and its caption line as the figcaption."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(md)
    nav = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2":
            name = tokens[i + 1].content
            tok.attrSet("id", _slug(name))
            nav.append((_slug(name), name))
    tokens = _figures(tokens, figures)
    head_end = next(i for i, t in enumerate(tokens) if t.type == "heading_close") + 1  # the title
    render = lambda part: parser.renderer.render(part, parser.options, {})  # noqa: E731
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, autoescape=True)
    return env.get_template("report.html.j2").render(title=title, css=css, nav=nav, heading=render(tokens[:head_end]),
                                                     body=render(tokens[head_end:]))


def _figures(tokens: list[Token], figures: dict[str, dict]) -> list[Token]:
    """A paragraph that is one figures/<name>.png image becomes <figure>, its image inlined; the caption
    paragraph after it becomes the <figcaption>."""
    out, i = [], 0
    while i < len(tokens):
        tok = tokens[i]
        kids = tokens[i + 1].children if tok.type == "paragraph_open" and i + 1 < len(tokens) else None
        src = kids[0].attrGet("src") if kids and len(kids) == 1 and kids[0].type == "image" else None
        name = Path(str(src)).stem if src and str(src).startswith("figures/") else None
        if name not in figures:
            out.append(tok)
            i += 1
            continue
        entry, img = figures[name], kids[0]
        img.attrSet("src", "data:image/png;base64," + base64.b64encode(Path(entry["png"]).read_bytes()).decode("ascii"))
        img.attrSet("style", f"width:{entry['width_in'] * SCREEN_SCALE:.2f}in")
        opening = Token("figure_open", "figure", 1, attrs={"id": f"fig-{name}", "class": entry["width"]}, block=True)
        out += [opening, tokens[i + 1]]
        i += 3
        if i + 2 < len(tokens) and tokens[i].type == "paragraph_open":  # the caption line
            tokens[i].tag = tokens[i + 2].tag = "figcaption"
            out += tokens[i:i + 3]
            i += 3
        out.append(Token("figure_close", "figure", -1, block=True))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
