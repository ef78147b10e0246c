"""Dates as researchers' corpora write them, read into ISO dates (YYYY-MM-DD) for the clean stage.

A date that cannot be read is None, never a guess; the clean stage lists each such article in cleaning.json.
"""
from __future__ import annotations

import datetime
import re

_ISO_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
_DAY_FIRST = re.compile(r"(?<!\d)(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})(?!\d)")
_VI_DATE = re.compile(r"(?:ngày\s+)?(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s*,?\s+(?:năm\s+)?(?P<y>\d{4})", re.I)
# "1/7/25": day first with a two-digit year (20yy; 19yy from 70 on)
_SHORT_YEAR = re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{2})(?![\d/.-])")
# Unix time in seconds or milliseconds, alone in the field
_EPOCH = re.compile(r"^(?P<s>\d{9,10}|\d{12,13})(?:\.\d+)?$")
# an epoch is an instant; its date is taken in Vietnam's time (UTC+7), where the corpus's articles appear
_VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_DATE = re.compile(r"(?:(?P<d1>\d{1,2})\s+(?P<b1>[A-Za-z]{3})[a-z]*\.?,?|(?P<b2>[A-Za-z]{3})[a-z]*\.?\s+(?P<d2>\d{1,2}),?)"
                      r"\s+(?P<y>\d{4})")


def parse_date(value) -> str | None:
    """ISO date (YYYY-MM-DD) as written where the article was published; None when absent or unreadable.

    ISO first ("2025-07-04T01:00+07:00" is 4 July: the local date, never shifted to UTC), then the day-first forms
    of Vietnamese sites ("Thứ sáu, 04/07/2025 21:02", "ngày 4 tháng 7 năm 2025", "01 Tháng 7 2025"), then
    "4 July 2025"/"July 4, 2025", then "1/7/25"; epoch seconds or milliseconds are dated in Vietnam (UTC+7).
    A year or month alone gives None: inventing a day would put the article in the wrong period.
    """
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return None
    text = str(value).strip()
    m = _EPOCH.match(text)
    if m:
        seconds = int(m["s"]) / (1000 if len(m["s"]) > 10 else 1)
        return datetime.datetime.fromtimestamp(seconds, _VIETNAM).date().isoformat()
    for pattern in (_ISO_DATE, _DAY_FIRST, _VI_DATE):
        m = pattern.search(text)
        if m:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            if pattern is _DAY_FIRST and mo > 12 >= d:  # unambiguously month-first (12/30/2024)
                mo, d = d, mo
            return _iso(y, mo, d)
    m = _EN_DATE.search(text)
    if m and (m["b1"] or m["b2"]).lower() in _MONTHS:
        return _iso(int(m["y"]), _MONTHS.index((m["b1"] or m["b2"]).lower()) + 1, int(m["d1"] or m["d2"]))
    m = _SHORT_YEAR.search(text)
    if m:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if mo > 12 >= d:
            mo, d = d, mo
        return _iso(y + (1900 if y >= 70 else 2000), mo, d)
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None
