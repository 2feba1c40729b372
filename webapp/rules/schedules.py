"""Scheduled reports: which period a day falls in, so each report is sent once per period.

A weekly report's period is the ISO week (Monday to Sunday), a monthly one's the calendar month.
The first run of the sender in a period sends that period's report; every later run in the same
period finds it sent (docs/rules.md, "Scheduled reports").
"""
from __future__ import annotations

from datetime import date, timedelta

FREQUENCIES = ("weekly", "monthly")


def report_period(frequency: str, day: date) -> str:
    """The key of the period `day` falls in: "2026-W24" (ISO week) or "2026-06" (month)."""
    if frequency == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if frequency == "monthly":
        return f"{day.year}-{day.month:02d}"
    raise ValueError(f"Unknown frequency: {frequency!r}")


def period_start(frequency: str, day: date) -> date:
    """The first day of the period `day` falls in (a Monday, or the 1st of the month)."""
    if frequency == "weekly":
        return day - timedelta(days=day.weekday())
    if frequency == "monthly":
        return day.replace(day=1)
    raise ValueError(f"Unknown frequency: {frequency!r}")


def next_period_start(frequency: str, day: date) -> date:
    """The first day of the period after the one `day` falls in: when the next report goes out."""
    start = period_start(frequency, day)
    if frequency == "weekly":
        return start + timedelta(days=7)
    return (start + timedelta(days=31)).replace(day=1)
