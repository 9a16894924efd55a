"""Counting per calendar period: "每季召开1次以上, 每次1分" is the number of quarters (or months,
half years, years) with at least k events, within the count's window.

A calendar period counts when it overlaps the window (the assessment period, or the look-back
window ending on its last day); events outside the window are not counted.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Iterable

PERIODS = ("month", "quarter", "half", "year")
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def period_of(day: date, per: str) -> tuple[int, int]:
    """The calendar period a day falls in: (year, index from 1), e.g. (2025, 2) for 2025 Q2."""
    return day.year, (day.month - 1) // _MONTHS[per] + 1


def period_bounds(key: tuple[int, int], per: str) -> tuple[date, date]:
    """The first and last day of a calendar period."""
    year, index = key
    first_month = (index - 1) * _MONTHS[per] + 1
    last_month = first_month + _MONTHS[per] - 1
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def periods_between(start: date, end: date, per: str) -> list[tuple[int, int]]:
    """The calendar periods overlapping [start, end], in order."""
    out, day = [], start
    while day <= end:
        key = period_of(day, per)
        out.append(key)
        day = period_bounds(key, per)[1] + timedelta(days=1)
    return out


def count_periods(events: Iterable[tuple[str, date, int]], kinds: Iterable[str], start: date, end: date,
                  per: str, at_least: int) -> int:
    """How many calendar periods overlapping [start, end] hold at least `at_least` events of the
    kinds (each event's `count` adds up), counting only events within [start, end]."""
    kinds = set(kinds)
    held: dict[tuple[int, int], int] = {}
    for kind, day, count in events:
        if kind in kinds and start <= day <= end:
            key = period_of(day, per)
            held[key] = held.get(key, 0) + count
    return sum(1 for key in periods_between(start, end, per) if held.get(key, 0) >= at_least)


def lacking(events: Iterable[tuple[str, date, int]], kinds: Iterable[str], start: date, end: date, per: str,
            at_least: int, need: int) -> list[date]:
    """The days to hold events on so that `need` more calendar periods reach `at_least` events:
    the earliest periods short of it, each as many events as it lacks, on its last day within
    [start, end]. Fewer days than needed when too few periods are short."""
    kinds = set(kinds)
    held: dict[tuple[int, int], int] = {}
    for kind, day, count in events:
        if kind in kinds and start <= day <= end:
            held[period_of(day, per)] = held.get(period_of(day, per), 0) + count
    days: list[date] = []
    short = [key for key in periods_between(start, end, per) if held.get(key, 0) < at_least]
    if len(short) < need:
        return []
    for key in short[:need]:
        last = min(period_bounds(key, per)[1], end)
        days += [last] * (at_least - held.get(key, 0))
    return days
