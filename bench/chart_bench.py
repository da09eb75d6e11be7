#!/usr/bin/env python
"""Benchmark of the org chart page: queries and render time for companies of 200 and 2000 posts.

Run from anywhere with the project's virtualenv active::

    python bench/chart_bench.py            # reuse var/bench/db.sqlite3 if it exists
    python bench/chart_bench.py --fresh    # start from an empty bench database

It works on its own SQLite file under ``var/bench/`` (never the demo database), migrates it,
creates the synthetic companies with ``manage.py generate_bench_data`` (which skips a size
already present), then requests ``/org/chart/?root=<that company's root>`` as a logged-in
user: one warm-up, then ``RUNS`` timed requests, counting the queries of each.

Targets: at most ``MAX_QUERIES`` queries, the same number for every size, and the
2000-post chart rendered in under ``MAX_SECONDS`` (median). Exit code 1 when one fails.
"""

import argparse
import re
import sys
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SIZES = (200, 2000)
RUNS = 5
MAX_QUERIES = 15
MAX_SECONDS = 0.3
TIMED_SIZE = 2000
BENCH_USERNAME = "bench"
#: Links to post pages: about one per post shown, a sanity check that the branch was rendered.
POST_LINK = re.compile(r'href="/org/posts/\d+/"')


def setup_django(fresh):
    harness.setup_django(BENCH_DIR, fresh)


def measure(client, url):
    """(queries, median seconds, response bytes, body) of ``RUNS`` requests after a warm-up."""
    queries, seconds, response = harness.measure(client, url, RUNS)
    return queries, seconds, len(response.content), response.content.decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="delete var/bench/db.sqlite3 first")
    args = parser.parse_args()
    setup_django(args.fresh)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client, override_settings

    from org.models import Department

    print(f"Bench database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    for size in SIZES:
        print(f"-- generate_bench_data --posts {size}")
        call_command("generate_bench_data", posts=size)
    user, _created = get_user_model().objects.get_or_create(username=BENCH_USERNAME)

    # Without collectstatic the manifest storage cannot name the static files.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    rows = []
    with override_settings(STORAGES=storages):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for size in SIZES:
            root = Department.objects.get(code=f"B{size}-D0001")
            queries, seconds, length, body = measure(client, f"/org/chart/?root={root.pk}")
            shown = len(POST_LINK.findall(body))
            rows.append((size, queries, seconds, length, shown))

    query_counts = {queries for _size, queries, *_rest in rows}
    same = len(query_counts) == 1
    failed = False
    print()
    print(f"{'posts':>6}  {'queries':>7}  {'median s':>9}  {'KiB':>6}  {'post links':>10}  result")
    for size, queries, seconds, length, shown in rows:
        problems = []
        if queries > MAX_QUERIES:
            problems.append(f"queries > {MAX_QUERIES}")
        if not same:
            problems.append("query count depends on size")
        if size == TIMED_SIZE and seconds >= MAX_SECONDS:
            problems.append(f"render ≥ {MAX_SECONDS} s")
        failed = failed or bool(problems)
        result = "PASS" if not problems else "FAIL: " + "; ".join(problems)
        print(f"{size:>6}  {queries:>7}  {seconds:>9.3f}  {length / 1024:>6.0f}  {shown:>10}  {result}")
    print()
    print(
        f"Targets: ≤ {MAX_QUERIES} queries, independent of size; "
        f"{TIMED_SIZE}-post chart < {MAX_SECONDS} s (median of {RUNS} after a warm-up)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
