#!/usr/bin/env python3
"""Parse every .ics file under a folder with the `icalendar` library (RFC 5545).

Fails when a file does not parse, has no VTIMEZONE for Europe/Bucharest, or has an event
without UID, DTSTAMP, DTSTART or SUMMARY, or a timed start that is not in Europe/Bucharest.

    tests/.venv/bin/python tests/tools/check_ics.py public/
"""
import pathlib
import sys

import icalendar


def check(path: pathlib.Path) -> list[str]:
    problems = []
    try:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        return [f"{path}: does not parse: {e}"]
    zones = [tz.get("TZID") for tz in cal.walk("VTIMEZONE")]
    if "Europe/Bucharest" not in zones:
        problems.append(f"{path}: no VTIMEZONE Europe/Bucharest")
    events = cal.walk("VEVENT")
    if not events:
        problems.append(f"{path}: no events")
    for ev in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            if ev.get(prop) is None:
                problems.append(f"{path}: event {ev.get('UID')} lacks {prop}")
        start = ev.get("DTSTART")
        if start is not None and hasattr(start.dt, "tzinfo") and start.dt.tzinfo is not None:
            if start.params.get("TZID") != "Europe/Bucharest":
                problems.append(f"{path}: event {ev.get('UID')} starts outside Europe/Bucharest")
    return problems


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    files = sorted(root.rglob("*.ics"))
    problems = [p for f in files for p in check(f)]
    for p in problems:
        print(p)
    print(f"check_ics: {len(files)} files, {len(problems)} problems")
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())
