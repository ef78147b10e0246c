"""Covariate effects on theme prevalence for one compare.by field, as the compare stage writes them: the field's
effect adjusted for the controls (params `effects`), the raw effect of the same field on the same articles beside
it, predicted prevalence by group (or over time), the design behind the comparison (group x control counts with
the confounding warning) and the series' part-by-part trajectories. Pure core (data in, data out); the
statistics live in pipeline/effects.py and pipeline/design.py, this module only decides what is fitted.

One model per field, not one model with every field: a field with no value for many articles (date, series)
would otherwise drop those articles from every other field's comparison. Date: as periods of compare.date_freq
(categories, undated articles left out) unless `effects.time` asks for a spline or a linear trend.

Measurement: the proportion tables are the themes stage's article shares (K = 1 draw). effects.fit_effects
pools K > 1 tables by Rubin's rules when the theme measurement provides draws (refits, bootstrap); with one
table the intervals hold sampling uncertainty only, and the tables say so in `measurement_draws`.
"""
from __future__ import annotations

import pandas as pd

from pipeline import design
from pipeline import effects as E

EMPTY_DESIGN = ["control", "group", "total"]


def _usable_controls(meta: pd.DataFrame, field: str, controls: list[str]) -> tuple[list[str], list[str]]:
    """Controls the corpus can adjust for (a column with at least two values), and a note for each one left out."""
    keep, notes = [], []
    for c in controls:
        if c == field:
            continue
        if c not in meta.columns or meta[c].isna().all():
            notes.append(f"control {c!r} left out: no article has it")
        elif meta[c].nunique(dropna=True) < 2:
            notes.append(f"control {c!r} left out: one value only")
        else:
            keep.append(c)
    return keep, notes


def field_spec(spec: E.EffectsSpec, field: str, meta: pd.DataFrame, date_freq: str) -> tuple[E.EffectsSpec | None, list[str]]:
    """The model of one field (its effect adjusted for the usable controls), or None with the reason."""
    controls, notes = _usable_controls(meta, field, spec.controls)
    update: dict = {"controls": controls, "formula": None}
    if field == "date":
        dates = pd.to_datetime(meta["date"], errors="coerce", format="mixed") if "date" in meta else pd.Series(dtype=float)
        if dates.notna().sum() < 2:
            return None, [*notes, "fewer than two dated articles: no time comparison"]
        time = spec.time or E.TimeSpec(field="date", mode="period", freq=date_freq)
        if time.mode == "spline" and dates.nunique() < time.spline_df + 2:  # too few dates to bend a curve through
            notes.append(f"{dates.nunique()} distinct dates: time as {date_freq} periods instead of a spline")
            time = E.TimeSpec(field="date", mode="period", freq=date_freq)
        update.update(covariates=[], time=time)
    else:
        update.update(covariates=[field], time=None)
    if spec.cov_type == "cluster" and (not spec.cluster or spec.cluster not in meta.columns):
        raise ValueError(f"params.yaml: effects.cluster = {spec.cluster!r} must name an article field when "
                         "effects.cov_type is cluster")
    return spec.model_copy(update=update), notes


def _design(meta: pd.DataFrame, field: str, controls: list[str], date_freq: str) -> tuple[pd.DataFrame, list[dict]]:
    tables, infos = [], []
    for control in controls:
        table, info, _ = design.design_table(meta, field, control, date_freq=date_freq)
        tables.append(table.rename(columns={field: "group"}).assign(control=control))
        infos.append({"field": field, **info})
    if not tables:  # nothing to adjust for: the group sizes are the design
        from pipeline.groups import group_values

        sizes = group_values(meta, field, date_freq).value_counts().sort_index()
        return pd.DataFrame({"control": "", "group": sizes.index, "total": sizes.to_numpy()}), infos
    out = pd.concat(tables, ignore_index=True)
    cols = ["control", "group", *[c for c in out.columns if c not in ("control", "group", "total")], "total"]
    return out[cols].fillna(0), infos


def field_effects(field: str, article_themes: pd.DataFrame, themes: list[str], spec: E.EffectsSpec, *,
                  date_freq: str) -> dict:
    """One field: effects (adjusted and raw, tidy), differences (raw beside adjusted), curves, design (+ infos),
    notes. `themes`: every column of the proportion table, `other` included (rows sum to 1)."""
    meta = article_themes.assign(article_id=article_themes["article_id"].astype(str))
    model, notes = field_spec(spec, field, meta, date_freq)
    out = {"effects": pd.DataFrame(columns=["model", "controls", *E.TIDY_COLUMNS]),
           "differences": pd.DataFrame(), "curves": pd.DataFrame(columns=E.CURVE_COLUMNS),
           "design": pd.DataFrame(columns=EMPTY_DESIGN), "design_info": [], "notes": notes}
    if model is None:
        return out
    draws = [meta[["article_id", *themes]]]
    fit = E.fit_effects(draws, meta, themes, model)
    used = meta.set_index("article_id", drop=False).loc[fit.data.index].reset_index(drop=True)
    raw_fit = E.fit_effects(draws, used, themes, model.model_copy(update={"controls": []}))
    raw = E.effects_table(raw_fit).assign(model="raw", controls="")
    tables = [raw]
    if model.controls:
        adjusted = E.effects_table(fit).assign(model="adjusted", controls=", ".join(model.controls))
        tables.insert(0, adjusted)
        out["differences"] = E.differences(adjusted, raw)
    else:
        out["differences"] = E.differences(raw)
    effects = pd.concat(tables, ignore_index=True)
    effects.insert(2, "measurement_draws", len(draws))
    out["effects"] = effects[["model", "controls", *E.TIDY_COLUMNS, "measurement_draws"]]
    out["curves"] = E.predict_curve(fit, field)  # by group; over time for a date spline or trend
    out["design"], out["design_info"] = _design(used, field, model.controls, date_freq)
    if fit.n_dropped:
        notes.append(f"{fit.n_dropped} article(s) without a value for the model left out")
    return out


def disappearing(differences: pd.DataFrame) -> pd.DataFrame:
    """Raw differences significant after BH that are not once the controls are in the model."""
    if differences.empty or "disappears" not in differences:
        return differences.iloc[0:0]
    return differences[differences["disappears"].fillna(False).astype(bool)]


def trajectories(article_themes: pd.DataFrame, themes: list[str], confidence: float) -> pd.DataFrame:
    """Part-by-part theme shares of each series (parts in order; a one-article part without an interval)."""
    meta = article_themes.assign(article_id=article_themes["article_id"].astype(str))
    draws = [meta[["article_id", *themes]]]
    out = design.series_trajectories(draws, meta, themes, confidence=confidence)
    return out.sort_values(["series", "part"], kind="stable").reset_index(drop=True) if len(out) else out


def summary_line(field: str, res: dict) -> str:
    d = res["differences"]
    gone = disappearing(d)
    warn = [i["warning"] for i in res["design_info"] if i.get("warning")]
    n_sig = int((d["p_adj"] < 0.05).sum()) if len(d) and "p_adj" in d else 0
    return (f"compare: {field}: effects on {n_sig} significant difference(s) after adjustment"
            + (f", {len(gone)} raw difference(s) disappear" if len(d) and "disappears" in d else "")
            + (f"; design warning: {warn[0]}" if warn else "")
            + ("; " + "; ".join(res["notes"]) if res["notes"] else ""))



def report_context(field: str, tables: dict[str, pd.DataFrame], design_info: list[dict], test: dict | None,
                   level: str = "article", labels: dict[str, str] | None = None) -> dict:
    """What pipeline/templates/effects.md.j2 shows for one field, from the tables compare wrote (read back by the
    report): the design with its warnings, adjusted beside raw differences, those that disappear, PERMANOVA R²."""
    labels = labels or {}
    d = tables.get("differences", pd.DataFrame())
    design_rows = tables.get("design", pd.DataFrame())
    infos = [i for i in design_info if i.get("field") == field]
    rows = []
    for r in d.to_dict("records") if len(d) else []:
        rows.append({**r, "theme_label": labels.get(r["theme"], r["theme"])})
    r2 = (test or {}).get("permanova_r2")
    return {"field": field, "level": level,
            "design_columns": list(design_rows.columns), "design_rows": design_rows.to_dict("records"),
            "warnings": [i["warning"] for i in infos if i.get("warning")],
            "notes": [i["note"] for i in infos if i.get("note")],
            "controls": sorted({i["control"] for i in infos if i.get("control")}),
            "differences": rows, "adjusted": "disappears" in d,
            "disappearing": [r for r in rows if r.get("disappears") is True],
            "permanova_r2": None if r2 is None or pd.isna(r2) else float(r2),
            "permanova_p": (test or {}).get("permanova_p")}
