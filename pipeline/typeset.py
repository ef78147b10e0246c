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
TABLES_README = """# LaTeX tables (booktabs)

Each `.tex` file here is one table of the report, to `\\input` in a paper. They need

    \\usepackage{booktabs,tabularx,rotating,graphicx}

and, because the cells are UTF-8 Vietnamese, **XeLaTeX or LuaLaTeX** with a font that has every diacritic:

    \\usepackage{fontspec}
    \\setmainfont{DejaVu Sans}   % or TeX Gyre Termes / Heros, Noto Serif

(pdfLaTeX needs `\\usepackage[utf8]{vietnam}` instead.) Tables of more than 8 columns are set sideways
(`sidewaystable`); long text columns wrap in `tabularx` X columns. `make test` compiles every table with XeLaTeX.
"""
_INTERVAL = re.compile(r"^(-?[\d.]+(?:e-?\d+)?) \[(.+), (.+)\]$")


def _latex_cell(value: str) -> str:
    """One cell: escaped; "0.2 [0.1, 0.3]" as the estimate over its interval, which keeps share tables narrow."""
    m = _INTERVAL.match(value)
    if m:
        return rf"{latex_escape(m.group(1))}\newline[{latex_escape(m.group(2))},~{latex_escape(m.group(3))}]"
    return latex_escape(value)


def _latex_header(text: str, narrow: bool) -> str:
    """A column's header; over a number column of a wide table, a long one wraps in a narrow box, so the
    header does not make the column wider than its numbers."""
    if narrow and len(text) > 8:
        return rf"\parbox[b]{{6em}}{{\raggedleft {latex_escape(text)}}}"
    return latex_escape(text)


def to_latex(df: pd.DataFrame, caption: str, label: str, labels: dict[str, str] | None = None,
             note: str | None = None) -> str:
    """booktabs table, UTF-8: Vietnamese diacritics need XeLaTeX or LuaLaTeX with fontspec and a font that has
    them (DejaVu Sans, TeX Gyre), or pdfLaTeX with \\usepackage[utf8]{vietnam}. Numbers right-aligned; text
    columns with long cells wrap in a tabularx X column of the line's width; a table of more than WIDE_COLUMNS
    columns is set sideways (rotating's sidewaystable) in footnote size; a note under each table.
    Hand-written: pandas' Styler.to_latex gives no control over escaping Vietnamese text, column widths or
    the note under the table."""
    labels = labels or {}
    view = formatted(df.assign(**{c: df[c].map(lambda t: labels.get(t, t)) for c in THEME_COLUMNS if c in df}))
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    longest = [int(view[c].map(len).max()) if len(view) else 0 for c in view.columns]
    many = len(df.columns) > 6  # with many columns, medium text wraps too
    wrapping = [not num and (n > LONG_TEXT or many and n > 12
                             or _INTERVAL.match(str(view[c].iloc[0]) if len(view) else "") is not None)
                for c, num, n in zip(view.columns, numeric, longest)]
    spec = "".join("r" if num else r">{\raggedright\arraybackslash}X" if wrap else "l"
                   for num, wrap in zip(numeric, wrapping))
    wide = len(df.columns) > WIDE_COLUMNS
    env, size = ("sidewaystable", r"\footnotesize\setlength{\tabcolsep}{3pt}") if wide else ("table", r"\small")
    # a table of numbers only cannot wrap: graphicx shrinks it to the line's width, only when it is wider
    tab = (rf"\begin{{tabularx}}{{\linewidth}}{{{spec}}}", r"\end{tabularx}") if any(wrapping) else \
        (rf"\resizebox{{\ifdim\width>\linewidth\linewidth\else\width\fi}}{{!}}{{\begin{{tabular}}{{{spec}}}",
         r"\end{tabular}}")
    lines = [f"% generated by vn-discourse (pipeline/typeset.py); needs {', '.join(LATEX_PACKAGES)} and, for the "
             "diacritics, XeLaTeX or LuaLaTeX with fontspec", rf"\begin{{{env}}}[tp]", r"\centering", size,
             rf"\caption{{{latex_escape(caption)}}}", rf"\label{{{label}}}", tab[0], r"\toprule",
             " & ".join(_latex_header(header(c, labels), num and wide) for c, num in zip(df.columns, numeric))
             + r" \\", r"\midrule"]
    lines += [" & ".join(_latex_cell(v) for v in row) + r" \\" for row in view.itertuples(index=False)]
    lines += [r"\bottomrule", tab[1]]
    if note:
        lines += [rf"\par\smallskip{{\footnotesize Note: {latex_escape(note)}\par}}"]
    lines += [rf"\end{{{env}}}", ""]
    return "\n".join(lines)
