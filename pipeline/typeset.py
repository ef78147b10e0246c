"""Tables as the report prints them: numbers formatted once for Markdown and LaTeX alike; Markdown tables and
text that show data literally; booktabs LaTeX with readable headers (column and theme names mapped to labels)
and a note under each table."""
from __future__ import annotations

import re

import pandas as pd

# column names as a paper prints them; any other column prints with its underscores as spaces
COLUMN_LABELS = {"ci_low": "CI low", "ci_high": "CI high", "p_value": "p", "p_adj": "adjusted p", "n": "n",
                 "n_articles": "articles", "n_groups": "groups", "n_a": "n (A)", "n_b": "n (B)",
                 "share_a": "share (A)", "share_b": "share (B)", "group_a": "group A", "group_b": "group B",
                 "theme_a": "theme A", "theme_b": "theme B", "diff": "difference", "delta": "log-odds",
                 "count_rest": "count (others)", "pmi": "PMI", "log_likelihood": "G²", "npmi": "NPMI",
                 "nmi_label": "NMI (labels)", "ari_label": "ARI (labels)", "n_quotes": "quotes",
                 "n_direct": "direct quotes", "dof": "df", "permanova_p": "PERMANOVA p",
                 "permanova_f": "PERMANOVA F", "cramers_v": "Cramér's V", "permanova_r2": "PERMANOVA R²",
                 "chi2": "χ²", "n_groups_tested": "groups tested", "n_excluded": "articles left out",
                 "n_units": "units", "min_expected": "min. expected count", "theme_vi": "theme (Vietnamese)",
                 "theme_en": "theme", "top_words": "top words", "theme_score": "theme score"}
THEME_COLUMNS = ("theme", "theme_a", "theme_b")  # their cells are theme names: printed as the theme's label
COUNT_COLUMNS = ("n", "dof", "count", "count_rest", "size", "rank", "occurrences")
LATEX_SPECIAL = [("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_"),
                 ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}")]


def _fmt(v) -> str:
    if isinstance(v, float):
        if pd.isna(v):
            return ""
        return f"{v:.2e}" if v != 0 and abs(v) < 1e-3 else f"{v:.3f}"
    return "" if v is None else str(v)


def formatted(df: pd.DataFrame) -> pd.DataFrame:
    """Strings as printed: count columns as integers (also when NaN made them float), other numbers to three
    decimals, tiny p-values in scientific notation, NaN blank."""
    view = df.copy()
    for c in view.columns:
        col = view[c]
        countish = col.isna().any() or str(c) in COUNT_COLUMNS or str(c).startswith("n_")
        if pd.api.types.is_float_dtype(col) and countish and len(col.dropna()) and col.dropna().map(float.is_integer).all():
            view[c] = col.map(lambda v: "" if pd.isna(v) else str(int(v)))
        else:
            view[c] = col.map(_fmt)
    return view


def md_text(value) -> str:
    """Free text from the data (a quote, a title) as Markdown shows it literally: one line, no markup."""
    return re.sub(r"([\\`*\[\]<>|])", r"\\\1", " ".join(str(value).split()))


def md_table(df: pd.DataFrame, align: dict[str, str] | None = None) -> str:
    view = formatted(df).apply(lambda col: col.map(lambda v: " ".join(v.split()).replace("|", r"\|")))
    colalign = [(align or {}).get(c, "left") for c in view.columns]
    view.columns = [header(str(c), {}) for c in view.columns]  # readable headers, as in the LaTeX tables
    return view.to_markdown(index=False, disable_numparse=True, colalign=colalign)


def latex_escape(value) -> str:
    return "".join(next((b for a, b in LATEX_SPECIAL if a == ch), ch) for ch in str(value))


def header(column: str, labels: dict[str, str]) -> str:
    """A column's printed name: a paper's label, a theme's label (actor counts per theme), or words."""
    return COLUMN_LABELS.get(column) or labels.get(column) or str(column).replace("_", " ")


LATEX_PACKAGES = ("booktabs", "tabularx", "rotating", "graphicx")  # what \\input-ing the tables needs (README of reports/tables)
WIDE_COLUMNS = 8      # more columns than this: the table is set sideways (landscape) in small type
LONG_TEXT = 24        # a text column with longer cells wraps (tabularx X column) instead of running off the page
MEDIUM_TEXT = 20      # in a table of many columns, a text column with longer cells wraps too (a name stays whole)
MIN_WRAP = 10         # characters an X column needs at least, to read as text and not a word a line
# type sizes to try, largest first (upright; sideways), with their points; the line of LaTeX's article class
# (\textwidth upright, \textheight sideways) in points; a character's mean width in DejaVu Sans, in em
TYPE_SIZES = {False: ((r"\small", 9), (r"\footnotesize", 8), (r"\scriptsize", 7)),
              True: ((r"\footnotesize", 8), (r"\scriptsize", 7), (r"\tiny", 5))}
LINE_POINTS = {False: 345, True: 550}
CHAR_EM = 0.57  # measured on the bundled run's cells: 0.47 (Institutions) to 0.70 (PERMANOVA) em a character
TABLES_README = """# LaTeX tables (booktabs)

Each `.tex` file here is one table of the report, to `\\input` in a paper. They need

    \\usepackage{booktabs,tabularx,rotating,graphicx}

and, because the cells are UTF-8 Vietnamese, **XeLaTeX or LuaLaTeX** with a font that has every diacritic:

    \\usepackage{fontspec}
    \\setmainfont{DejaVu Sans}   % or TeX Gyre Termes / Heros, Noto Serif

(pdfLaTeX needs `\\usepackage[utf8]{vietnam}` instead.) Tables of more than 8 columns are set sideways
(`sidewaystable`); long text columns wrap in `tabularx` X columns (widths in proportion to their text; a web
address or file name may break after a dot or underscore), long headers over short numbers stack, and a table
whose columns cannot fit the line of the article class is set a size smaller. `make test` compiles every table
with XeLaTeX and fails on any "Overfull \\hbox".
"""
_INTERVAL = re.compile(r"^(-?[\d.]+(?:e-?\d+)?) \[(.+), (.+)\]$")
# after a dot, underscore or slash before a letter inside a token (web addresses, file names; not 0.5)
_JOINT = re.compile(r"(?<=[._/])(?=[^\W\d_])")
# an X column's cell: ragged right, and \hspace{0pt} lets TeX hyphenate even its first word, so one word longer
# than the column breaks instead of running into the next column (LaTeX never hyphenates a paragraph's first word)
WRAP_COLUMN = r">{\hsize=%.3f\hsize\raggedright\arraybackslash\hspace{0pt}}X"


def _latex_cell(value: str, wraps: bool) -> str:
    """One cell: escaped; "0.2 [0.1, 0.3]" as the estimate over its interval, which keeps share tables narrow; in
    a wrapping column a long token may also break after a dot, underscore or slash (vnexpress.\allowbreak net)."""
    m = _INTERVAL.match(value)
    if m:
        return rf"{latex_escape(m.group(1))}\newline[{latex_escape(m.group(2))},~{latex_escape(m.group(3))}]"
    if wraps:
        return r"\allowbreak{}".join(latex_escape(part) for part in _JOINT.split(value))
    return latex_escape(value)


def _header_lines(text: str, width: int) -> list[str]:
    """A header's words on lines no longer than width (or its longest word)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def _latex_header(lines: list[str], align: str) -> str:
    """A header stacked on its lines, so that a long one ("PERMANOVA R²") does not make a column of short
    numbers wider; the stack is a tabular of its natural width, so it never overflows its column."""
    if len(lines) < 2:
        return latex_escape(" ".join(lines))
    return rf"\begin{{tabular}}[b]{{@{{}}{align}@{{}}}}" + r"\\".join(map(latex_escape, lines)) + r"\end{tabular}"


def _type_size(least: list[int], wide: bool) -> str:
    """The largest of the table's type sizes at which its columns, each at its least width (in characters),
    fit the line of a standard article; tabularx cannot make an X column narrower than its longest word, and a
    table that does not fit that way runs into the margin. An estimate (CHAR_EM): a paper with other margins
    or fonts may want another size."""
    sep = 6 if wide else 12  # points between two columns: twice \tabcolsep
    for command, points in TYPE_SIZES[wide]:
        if points * CHAR_EM * sum(least) + sep * len(least) <= LINE_POINTS[wide]:
            return command
    return command


def _wrap_weights(longest: list[int], wrapping: list[bool]) -> list[float]:
    r"""tabularx's \hsize factor of each wrapping column (they sum to the number of such columns): in proportion
    to its longest cell (within 12-40 characters), so that a column of short names is not cut as narrow as one
    of long roles."""
    room = [min(max(n, 12), 40) for n, w in zip(longest, wrapping) if w]
    return [len(room) * r / sum(room) for r in room]


def to_latex(df: pd.DataFrame, caption: str, label: str, labels: dict[str, str] | None = None,
             note: str | None = None) -> str:
    """booktabs table, UTF-8: Vietnamese diacritics need XeLaTeX or LuaLaTeX with fontspec and a font that has
    them (DejaVu Sans, TeX Gyre), or pdfLaTeX with \\usepackage[utf8]{vietnam}. Numbers right-aligned; text
    columns with long cells wrap in tabularx X columns (widths in proportion to their content) that together
    take the line's width; a column of single tokens (names, web addresses) never wraps; long headers stack on
    lines; a table of more than WIDE_COLUMNS columns is set sideways (rotating's sidewaystable) in footnote
    size; a note under each table.
    Hand-written: pandas' Styler.to_latex gives no control over escaping Vietnamese text, column widths or
    the note under the table."""
    labels = labels or {}
    view = formatted(df.assign(**{c: df[c].map(lambda t: labels.get(t, t)) for c in THEME_COLUMNS if c in df}))
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    longest = [int(view[c].map(len).max()) if len(view) else 0 for c in view.columns]
    spaced = [bool(view[c].str.contains(" ").any()) if len(view) else False for c in view.columns]
    many = len(df.columns) > 6  # with many columns, medium text wraps too (short names stay on one line)
    # a column of single tokens cannot wrap between words: an X column would only cut it
    wrapping = [not num and sp and (n > LONG_TEXT or many and n > MEDIUM_TEXT
                                    or _INTERVAL.match(str(view[c].iloc[0]) if len(view) else "") is not None)
                for c, num, sp, n in zip(view.columns, numeric, spaced, longest)]
    weights = iter(_wrap_weights(longest, wrapping))
    spec = "".join("r" if num else WRAP_COLUMN % next(weights) if wrap else "l"
                   for num, wrap in zip(numeric, wrapping))
    # an X column's header wraps in its cell; with many columns, any other header longer than its cells by more
    # than a little stacks on lines about as wide as they ("CI low" over "-0.173" stays on one line)
    heads = [_header_lines(header(c, labels), n + 2 if many and not wrap else 10 ** 6)
             for c, wrap, n in zip(df.columns, wrapping, longest)]
    least = [max([MIN_WRAP, *(len(w) for v in [*view[c], *h] for w in str(v).split())]) if wrap
             else max(n, *map(len, h)) for c, wrap, n, h in zip(view.columns, wrapping, longest, heads)]
    wide = len(df.columns) > WIDE_COLUMNS
    env, size = ("sidewaystable", _type_size(least, True) + r"\setlength{\tabcolsep}{3pt}") if wide else \
        ("table", _type_size(least, False))
    # a table of numbers only cannot wrap: graphicx shrinks it to the line's width, only when it is wider
    tab = (rf"\begin{{tabularx}}{{\linewidth}}{{{spec}}}", r"\end{tabularx}") if any(wrapping) else \
        (rf"\resizebox{{\ifdim\width>\linewidth\linewidth\else\width\fi}}{{!}}{{\begin{{tabular}}{{{spec}}}",
         r"\end{tabular}}")
    lines = [f"% generated by vn-discourse (pipeline/typeset.py); needs {', '.join(LATEX_PACKAGES)} and, for the "
             "diacritics, XeLaTeX or LuaLaTeX with fontspec", rf"\begin{{{env}}}[tp]", r"\centering", size,
             rf"\caption{{{latex_escape(caption)}}}", rf"\label{{{label}}}", tab[0], r"\toprule",
             " & ".join(_latex_header(h, "r" if num else "l") for h, num in zip(heads, numeric)) + r" \\",
             r"\midrule"]
    lines += [" & ".join(_latex_cell(v, w) for v, w in zip(row, wrapping)) + r" \\"
              for row in view.itertuples(index=False)]
    lines += [r"\bottomrule", tab[1]]
    if note:
        lines += [rf"\par\smallskip{{\footnotesize Note: {latex_escape(note)}\par}}"]
    lines += [rf"\end{{{env}}}", ""]
    return "\n".join(lines)
