"""Publication dates as feeds, CMS exports and hand-written headers spell them, read to ISO dates.

One reader for the API and the importer, so both accept and refuse the same dates. A date is
read only when it is certain: ISO 8601 first, then python-dateutil for written forms ("19 August
2025", RFC 2822 feed dates), tried with day-first and month-first, year-first and not; when the
readings disagree ("03/04/2025", "19/08/25") or a part is missing ("August 2025"), the value is
refused with the reason rather than guessed or dropped.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as dateutil_parser

# Longer than any real date line; dateutil's tokenizer need not see pasted paragraphs.
MAX_DATE_CHARS = 100
# Year first with any separator is always year-month-day (dateutil's dayfirst would read
# 2025/08/03 as 8 March).
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
# Two defaults that differ in every part: a part the text does not give shows up as a mismatch.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2004, 2, 2))
HINT = "write it as YYYY-MM-DD"


class DateError(ValueError):
    """The text is not a date we can read without guessing; the message says why."""


def parse_published(value: str) -> date:
    """The calendar date `value` names (a datetime keeps the date as written, not UTC)."""
    text = value.strip()
    if not text:
        raise DateError(f"Empty date; {HINT}.")
    if len(text) > MAX_DATE_CHARS:
        raise DateError(f"Not a date (longer than {MAX_DATE_CHARS} characters); {HINT}.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    found = _YEAR_FIRST.fullmatch(text)
    if found:
        try:
            return date(*(int(part) for part in found.groups()))
        except ValueError:
            raise DateError(f"Not a real calendar date: {text!r}; {HINT}.") from None
    readings: set[date] = set()
    for dayfirst in (False, True):
        for yearfirst in (False, True):
            for default in _DEFAULTS:
                try:
                    parsed = dateutil_parser.parse(
                        text,
                        dayfirst=dayfirst,
                        yearfirst=yearfirst,
                        default=default,
                        ignoretz=True,
                    )
                except (ValueError, OverflowError):
                    raise DateError(f"Not a date: {text!r}; {HINT}.") from None
                readings.add(parsed.date())
    if len(readings) == 1:
        return readings.pop()
    missing = _missing_parts(text)
    if missing:
        raise DateError(f"Incomplete date {text!r} (no {missing}); {HINT}.")
    choices = " or ".join(sorted(d.isoformat() for d in readings))
    raise DateError(f"Ambiguous date {text!r} (could be {choices}); {HINT}.")


def _missing_parts(text: str) -> str:
    """Which of day, month and year the text leaves to the defaults, e.g. 'day' or 'day, month'."""
    readings = [
        dateutil_parser.parse(text, default=default, ignoretz=True) for default in _DEFAULTS
    ]
    first, second = readings
    missing = [
        name
        for name, a, b in (
            ("day", first.day, second.day),
            ("month", first.month, second.month),
            ("year", first.year, second.year),
        )
        if a != b
    ]
    return ", ".join(missing)
