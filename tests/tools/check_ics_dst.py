#!/usr/bin/env python3
"""Expand the sample's repeating events around daylight-saving changes with `icalendar` and
`dateutil`, as a calendar app would: a night work across 25 October 2026 (EEST → EET) and a
collection zone across 28 March 2027 (EET → EEST) keep their local hours while their UTC hours
move; skipped (EXDATE) and moved (RDATE) collection days are honoured.

    tests/.venv/bin/python tests/tools/check_ics_dst.py public/
"""
import datetime as dt
import pathlib
import sys
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rruleset, rrulestr

UTC = dt.timezone.utc
TZ = ZoneInfo("Europe/Bucharest")


def occurrences(event):
    start = event.decoded("DTSTART")
    if start.tzinfo is not None:
        start = start.replace(tzinfo=TZ)
    rules = rruleset()
    rules.rrule(rrulestr(event.get("RRULE").to_ical().decode(), dtstart=start))
    for prop, add in (("EXDATE", rules.exdate), ("RDATE", rules.rdate)):
        values = event.get(prop)
        for v in values if isinstance(values, list) else [values] if values else []:
            for d in v.dts:
                add(d.dt.replace(tzinfo=TZ))
    return rules


def events(path):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return cal.walk("VEVENT")


def main():
    site = pathlib.Path(sys.argv[1])
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: got {got}, want {want}")

    # A work repeated nightly at 22:00 across the end of summer time (Sunday 25 October 2026).
    work = events(site / "lucrari" / "lucrare-2026-002" / "calendar.ics")[0]
    nights = occurrences(work).between(dt.datetime(2026, 10, 24, tzinfo=TZ), dt.datetime(2026, 10, 26, 23, tzinfo=TZ))
    expect("night work, local hours", [n.astimezone(TZ).strftime("%d %H:%M") for n in nights],
           ["24 22:00", "25 22:00", "26 22:00"])
    expect("night work, UTC hours", [n.astimezone(UTC).strftime("%d %H:%M") for n in nights],
           ["24 19:00", "25 20:00", "26 20:00"])
    last = list(occurrences(work))[-1]
    expect("night work, last night (the work ends at 19:00 on the 13th)", last.astimezone(TZ).date().isoformat(), "2026-11-12")

    # A zone collected on Mondays and Thursdays at 07:00 across the start of summer time (28 March 2027).
    zone = [e for e in events(site / "servicii-periodice" / "colectare-deseuri" / "zona-z01.ics")
            if str(e.get("UID")).startswith("colectare-deseuri-z01-menajer")][0]
    days = occurrences(zone)
    spring = days.between(dt.datetime(2027, 3, 24, tzinfo=TZ), dt.datetime(2027, 4, 2, tzinfo=TZ))
    expect("collection, local", [d.astimezone(TZ).strftime("%a %d %H:%M") for d in spring],
           ["Thu 25 07:00", "Mon 29 07:00", "Thu 01 07:00"])
    expect("collection, UTC", [d.astimezone(UTC).strftime("%d %H:%M") for d in spring],
           ["25 05:00", "29 04:00", "01 04:00"])
    january = [d.date().isoformat() for d in days.between(dt.datetime(2027, 1, 4, tzinfo=TZ), dt.datetime(2027, 1, 12, tzinfo=TZ))]
    expect("collection around Epiphany (7 January moved to the 8th)", january, ["2027-01-04", "2027-01-08", "2027-01-11"])

    for p in problems:
        print(p)
    print(f"check_ics_dst: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
