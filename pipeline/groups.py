"""Groups of articles by a metadata field (source, series, date bins, ...), shared by compare, discourse and figures:
one definition of how a date becomes a period and what a missing value is called."""
from __future__ import annotations

import pandas as pd

PERIOD = {"month": "M", "quarter": "Q", "year": "Y"}
MISSING = {"series": "(no series)", "date": "(no date)"}
UNKNOWN = "(unknown)"

def missing_label(field: str) -> str:
    return MISSING.get(field, UNKNOWN)


def group_values(frame: pd.DataFrame, field: str, date_freq: str = "quarter") -> pd.Series:
    """The grouping value of each row; dates become periods such as 2025Q3 (2025-07 by month, 2025 by year);
    a missing value becomes "(no series)", "(no date)" or "(unknown)"."""
    if field not in frame.columns:
        return pd.Series(missing_label(field), index=frame.index)
    if field == "date":
        dates = pd.to_datetime(frame["date"], errors="coerce", format="mixed")
        periods = dates.dt.to_period(PERIOD[date_freq]).astype(str)
        if date_freq == "month":
            periods = dates.dt.strftime("%Y-%m")
        return periods.where(dates.notna(), missing_label(field)).astype(str)
    values = frame[field].astype("string").str.strip()
    return values.mask(values == "").fillna(missing_label(field)).astype(str)
