#!/usr/bin/env python
"""Benchmark of the training matrix: 2000 employees × 30 courses (and 200 × 30 for the query count).

Run from anywhere with the project's virtualenv active::

    python bench/training_matrix_bench.py            # reuse var/bench-training/db.sqlite3
    python bench/training_matrix_bench.py --fresh    # start from an empty bench database

It works on its own SQLite file under ``var/bench-training/`` (never the demo database),
migrates it, creates the synthetic companies with ``manage.py generate_bench_training``
(skipped when present), then requests ``/training/matrix/?department=<root>`` and
``/training/matrix.xlsx?department=<root>`` as an HR user: one warm-up, then ``RUNS`` timed
requests, counting the queries of each.

Targets: at most ``MAX_QUERIES`` queries, the same for both sizes; the 2000-employee page under
``MAX_PAGE_SECONDS`` and the workbook under ``MAX_XLSX_SECONDS`` (medians). Exit code 1 when
one fails.
"""

import argparse
import sys
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-training"
SIZES = (200, 2000)
COURSES = 30
RUNS = 3
MAX_QUERIES = 20
MAX_PAGE_SECONDS = 4.0
MAX_XLSX_SECONDS = 6.0
TIMED_SIZE = 2000


def setup_django(fresh):
    harness.setup_django(BENCH_DIR, fresh)


def measure(client, url):
    queries, seconds, response = harness.measure(client, url, RUNS)
    return queries, seconds, response.content


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="delete var/bench-training/db.sqlite3 first")
    args = parser.parse_args()
    setup_django(args.fresh)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client, override_settings

    from org.choices import Role
    from org.models import Department

    print(f"Bench database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    for size in SIZES:
        print(f"-- generate_bench_training --employees {size} --courses {COURSES}")
        call_command("generate_bench_training", employees=size, courses=COURSES)
    user, _created = get_user_model().objects.get_or_create(username="bench-hr")
    user.groups.add(Group.objects.get(name=Role.HR))

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    rows = []
    with override_settings(STORAGES=storages):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for size in SIZES:
            root = Department.objects.get(code=f"BT{size}-ROOT")
            page_q, page_s, body = measure(client, f"/training/matrix/?department={root.pk}")
            xlsx_q, xlsx_s, data = measure(client, f"/training/matrix.xlsx?department={root.pk}")
            rows.append((size, page_q, page_s, body.count(b"data-employee="), xlsx_q, xlsx_s, len(data)))

    same = len({r[1] for r in rows}) == 1 and len({r[4] for r in rows}) == 1
    failed = False
    print()
    print(
        f"{'employees':>9}  {'page q':>6}  {'page s':>7}  {'rows':>5}  {'xlsx q':>6}  {'xlsx s':>7}  {'KiB':>6}  result"
    )
    for size, page_q, page_s, shown, xlsx_q, xlsx_s, length in rows:
        problems = []
        if max(page_q, xlsx_q) > MAX_QUERIES:
            problems.append(f"queries > {MAX_QUERIES}")
        if not same:
            problems.append("query count depends on size")
        if size == TIMED_SIZE and page_s >= MAX_PAGE_SECONDS:
            problems.append(f"page ≥ {MAX_PAGE_SECONDS} s")
        if size == TIMED_SIZE and xlsx_s >= MAX_XLSX_SECONDS:
            problems.append(f"xlsx ≥ {MAX_XLSX_SECONDS} s")
        failed = failed or bool(problems)
        result = "PASS" if not problems else "FAIL: " + "; ".join(problems)
        print(
            f"{size:>9}  {page_q:>6}  {page_s:>7.2f}  {shown:>5}  {xlsx_q:>6}  {xlsx_s:>7.2f}  {length / 1024:>6.0f}  {result}"
        )
    print()
    print(
        f"Targets: ≤ {MAX_QUERIES} queries, independent of size; {TIMED_SIZE} × {COURSES} page < {MAX_PAGE_SECONDS} s, "
        f"workbook < {MAX_XLSX_SECONDS} s (median of {RUNS} after a warm-up)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
