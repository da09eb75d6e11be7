#!/usr/bin/env python
"""Benchmark of the complaint list and the monthly summary with 10 000 complaints.

Run from anywhere with the project's virtualenv active::

    python bench/complaints_bench.py            # reuse var/bench-complaints/db.sqlite3
    python bench/complaints_bench.py --fresh    # start from an empty bench database

It works on its own SQLite file under ``var/bench-complaints/`` (never the demo database),
migrates it, creates the data with ``manage.py generate_bench_complaints`` (10 000
complaints, skipped when present), then requests as a quality manager (who sees every
complaint): the complaint list ``/complaints/``, the summary of the busiest month
``/complaints/summary/?month=…``, the summary of the whole year (``?from=&to=``) and the
Excel file ``/complaints/summary.xlsx?month=…``; one warm-up, then ``RUNS`` timed requests,
counting the queries of each.

Targets (median): list < 0.5 s, summary page < 1.5 s, year summary < 4 s, Excel < 2 s, and
at most ``MAX_QUERIES`` queries for each. Exit code 1 when one fails.
"""

import argparse
import sys
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-complaints"
RUNS = 3
MAX_QUERIES = 25
COMPLAINTS = 10_000


def setup_django(fresh):
    harness.setup_django(BENCH_DIR, fresh)


def measure(client, url):
    queries, seconds, response = harness.measure(client, url, RUNS)
    return queries, seconds, len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="delete the bench database first")
    args = parser.parse_args()
    setup_django(args.fresh)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.test import Client, override_settings
    from django.utils import timezone

    from complaints.models import Complaint
    from org.choices import Role

    print(f"Bench database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("generate_bench_complaints", complaints=COMPLAINTS)
    user, _ = get_user_model().objects.get_or_create(username="bench-qm")
    user.groups.add(Group.objects.get(name=str(Role.QUALITY_MANAGER)))
    busiest = (
        Complaint.objects.annotate(m=TruncMonth("received_at"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    month = f"{timezone.localtime(busiest['m']):%Y-%m}" if busiest else f"{timezone.localdate():%Y-%m}"
    today = timezone.localdate()
    year_from = today.replace(year=today.year - 1)
    pages = [
        ("complaint list", "/complaints/", 0.5),
        (f"summary {month}", f"/complaints/summary/?month={month}", 1.5),
        ("summary 12 months", f"/complaints/summary/?from={year_from}&to={today}", 4.0),
        (f"summary.xlsx {month}", f"/complaints/summary.xlsx?month={month}", 2.0),
    ]
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    failed = False
    print(f"\n{Complaint.objects.count()} complaints in the bench database\n")
    print(f"{'page':<24}  {'queries':>7}  {'median s':>9}  {'KiB':>6}  result")
    with override_settings(STORAGES=storages):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, url, limit in pages:
            queries, seconds, length = measure(client, url)
            problems = []
            if queries > MAX_QUERIES:
                problems.append(f"queries > {MAX_QUERIES}")
            if seconds >= limit:
                problems.append(f"≥ {limit} s")
            failed = failed or bool(problems)
            result = "PASS" if not problems else "FAIL: " + "; ".join(problems)
            print(f"{label:<24}  {queries:>7}  {seconds:>9.3f}  {length / 1024:>6.0f}  {result}")
    print(f"\nTargets: ≤ {MAX_QUERIES} queries each; medians of {RUNS} runs after a warm-up.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
