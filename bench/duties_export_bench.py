#!/usr/bin/env python
"""Benchmark of the duties-and-KPIs workbook (``/responsibilities/duties.xlsx``) for 2000 posts.

Run from anywhere with the project's virtualenv active::

    python bench/duties_export_bench.py            # reuse var/bench-duties/ if it exists
    python bench/duties_export_bench.py --fresh    # start from an empty bench database

It works on its own SQLite file under ``var/bench-duties/`` (never the demo database),
migrates it, creates the synthetic 2000-post company with ``manage.py generate_bench_data``
and then, once, an effective job description for every post of that company with
``DUTIES`` duties and ``KPIS`` KPIs. These are written with simple-history's
``bulk_create_with_history`` (a history row for every row, as the services would leave) rather
than through the approval workflow, which would render and store 2000 issued PDFs.

Then it builds the workbook (``exports.duties_kpis_xlsx``) ``RUNS`` times, counting the
queries and timing each, once more under tracemalloc for the peak memory of Python objects,
and opens the last workbook to count its rows. Targets: exactly ``MAX_QUERIES`` queries (the same
for any size), at most ``MAX_SECONDS`` median and at most ``MAX_PEAK_MB`` of memory. Exit code
1 when a target is missed.
"""

import argparse
import io
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-duties"
POSTS = 2000
DUTIES = 6
KPIS = 4
RUNS = 2
MAX_QUERIES = 3
MAX_SECONDS = 60.0
MAX_PEAK_MB = 150
BATCH = 1000
REASON = "duties_export_bench"


def setup_django(fresh):
    harness.setup_django(BENCH_DIR, fresh)


def build_data():
    """The 2000-post company and one effective job description per post (skipped when there)."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    from org.models import Post
    from responsibilities.choices import DocumentStatus, Frequency
    from responsibilities.models import Duty, JobDescription, Kpi

    call_command("migrate", verbosity=0)
    User = get_user_model()
    actor, _created = User.objects.get_or_create(username="bench-hr", defaults={"is_superuser": True})
    call_command("generate_bench_data", posts=POSTS)
    posts = list(Post.objects.filter(code__startswith=f"B{POSTS}-").order_by("code"))
    missing = [p for p in posts if not JobDescription.objects.filter(post=p).exists()] if posts else []
    if not missing:
        print(f"{len(posts)} posts, job descriptions already there")
        return
    started = time.perf_counter()
    frequencies = list(Frequency.values)
    with transaction.atomic():
        jds = bulk_create_with_history(
            [
                JobDescription(
                    post=post,
                    version=1,
                    document_number=f"JD-{post.code}",
                    status=DocumentStatus.EFFECTIVE,
                    summary=f"{post.title}：负责本岗位的日常工作，按程序文件执行并保存记录。",
                    prepared_by=actor,
                    approved_by=actor,
                    effective_date=datetime.date(2024, 1, 1),
                )
                for post in missing
            ],
            JobDescription,
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=REASON,
        )
        print(f"[{time.perf_counter() - started:6.1f} s] {len(jds)} job descriptions")
        duties = [
            Duty(
                job_description=jd,
                order=n,
                title=f"第{n}项职责：按计划完成{jd.post.title}的本职工作",
                description="依据作业指导书执行，发现异常及时上报，并在当班内填写记录。" if n % 2 else "",
                time_share=15,
            )
            for jd in jds
            for n in range(1, DUTIES + 1)
        ]
        bulk_create_with_history(duties, Duty, batch_size=BATCH, default_user=actor, default_change_reason=REASON)
        print(f"[{time.perf_counter() - started:6.1f} s] {len(duties)} duties")
        kpis = [
            Kpi(
                job_description=jd,
                order=n,
                name=f"指标{n}",
                formula="达标次数 / 考核次数 × 100%",
                target="≥ 95%",
                frequency=frequencies[n % len(frequencies)],
                weight=25,
                data_source="月度统计表",
            )
            for jd in jds
            for n in range(1, KPIS + 1)
        ]
        bulk_create_with_history(kpis, Kpi, batch_size=BATCH, default_user=actor, default_change_reason=REASON)
        print(f"[{time.perf_counter() - started:6.1f} s] {len(kpis)} KPIs")


def measure():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    from responsibilities import exports
    from responsibilities.choices import DocumentStatus
    from responsibilities.models import JobDescription

    effective = JobDescription.objects.filter(status=DocumentStatus.EFFECTIVE).count()
    times, queries, content = [], [], b""
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            content = exports.duties_kpis_xlsx()
            times.append(time.perf_counter() - started)
        queries.append(len(captured.captured_queries))
    # Memory in a run of its own: tracemalloc slows Python down several times.
    tracemalloc.start()
    exports.duties_kpis_xlsx()
    peaks = [tracemalloc.get_traced_memory()[1] / 1048576]
    tracemalloc.stop()
    wb = load_workbook(io.BytesIO(content), read_only=True)
    # A streamed sheet records no dimensions: count its rows (less the title and header rows).
    duty_rows = sum(1 for _row in wb.worksheets[0].iter_rows(values_only=True)) - 2
    kpi_rows = sum(1 for _row in wb.worksheets[1].iter_rows(values_only=True)) - 2
    return effective, times, queries, peaks, len(content), duty_rows, kpi_rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="start from an empty bench database")
    args = parser.parse_args()
    setup_django(args.fresh)
    build_data()
    effective, times, queries, peaks, size, duty_rows, kpi_rows = measure()
    median = statistics.median(times)
    peak = max(peaks)
    ok_queries = set(queries) == {MAX_QUERIES}
    ok_time = median <= MAX_SECONDS
    ok_memory = peak <= MAX_PEAK_MB
    print(
        f"effective JDs {effective}  duty rows {duty_rows}  KPI rows {kpi_rows}  file {size / 1048576:.1f} MB\n"
        f"queries {queries} (target {MAX_QUERIES}) {'PASS' if ok_queries else 'FAIL'}\n"
        f"median {median:.2f} s of {RUNS} runs (target ≤ {MAX_SECONDS} s) {'PASS' if ok_time else 'FAIL'}\n"
        f"peak Python memory {peak:.0f} MB (target ≤ {MAX_PEAK_MB} MB) {'PASS' if ok_memory else 'FAIL'}"
    )
    return 0 if ok_queries and ok_time and ok_memory else 1


if __name__ == "__main__":
    sys.exit(main())
