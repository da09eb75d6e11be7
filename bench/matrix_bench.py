#!/usr/bin/env python
"""Benchmark of the responsibility matrix: the page and matrix.xlsx for 60 rows × 40 departments.

Run from anywhere with the project's virtualenv active::

    python bench/matrix_bench.py            # reuse var/bench-matrix/db.sqlite3 if it exists
    python bench/matrix_bench.py --fresh    # start from an empty bench database

It works on its own SQLite file under ``var/bench-matrix/`` (never the demo database), migrates
it and creates, once, 40 departments ``BM-D01`` … ``BM-D40`` and a company matrix of 60 rows
(the 28 ISO 9001 clauses and 32 work steps) with a lead and two assists on every row, approved
and in force, plus a draft next version (the editing grid) and a small 10 × 5 draft matrix to
compare query counts. Then, as an HR user: the company page ``/responsibilities/matrix/``, the
draft's editing grid ``/responsibilities/matrices/<pk>/`` (small and large) and
``/responsibilities/matrix.xlsx``, each once as a warm-up and then ``RUNS`` times.

Targets: at most ``MAX_QUERIES`` queries per request, the same for the small and the large
grid; the large page under ``MAX_PAGE_SECONDS`` and the workbook under ``MAX_XLSX_SECONDS``
(median). Exit code 1 when one fails.
"""

import argparse
import sys
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-matrix"
RUNS = 5
DEPARTMENTS = 40
STEPS = 32
MAX_QUERIES = 25
MAX_PAGE_SECONDS = 1.0
MAX_XLSX_SECONDS = 2.0


def setup_django(fresh):
    harness.setup_django(BENCH_DIR, fresh)


def measure(client, url):
    queries, seconds, response = harness.measure(client, url, RUNS)
    return queries, seconds, len(response.content)


def build():
    """The bench data, once. Cells are bulk-inserted: the bench measures reading them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from org.choices import Role
    from org.models import Department
    from responsibilities import matrix_services
    from responsibilities.choices import CellValue, DocumentStatus, MatrixKind
    from responsibilities.models import IsoClause, Matrix, MatrixCell

    User = get_user_model()
    hr, _ = User.objects.get_or_create(username="bench-hr")
    hr.groups.add(Group.objects.get(name=Role.HR))
    gm, _ = User.objects.get_or_create(username="bench-gm")
    gm.groups.add(Group.objects.get(name=Role.GENERAL_MANAGER))
    if Matrix.objects.filter(kind=MatrixKind.COMPANY, status=DocumentStatus.EFFECTIVE).exists():
        return hr
    print("-- creating 40 departments and a 60 × 40 company matrix (once)")
    departments = [
        Department.objects.get_or_create(code=f"BM-D{i:02d}", defaults={"name": f"部门{i:02d}", "sort_order": i})[0]
        for i in range(1, DEPARTMENTS + 1)
    ]
    matrix = matrix_services.matrix_create(
        actor=hr,
        title="质量职能分配表（基准）",
        departments=departments,
        clauses=IsoClause.objects.all(),
        steps=[f"工作步骤 {i:02d}：按程序文件执行并记录" for i in range(1, STEPS + 1)],
    )
    columns = list(matrix.columns.all())
    cells = []
    for n, row in enumerate(matrix.rows.all()):
        for offset, value in ((0, CellValue.LEAD), (1, CellValue.ASSIST), (2, CellValue.ASSIST)):
            cells.append(MatrixCell(matrix=matrix, row=row, column=columns[(n + offset) % len(columns)], value=value))
    MatrixCell.objects.bulk_create(cells)
    matrix_services.matrix_submit(actor=hr, matrix=matrix)
    matrix_services.matrix_approve(actor=gm, matrix=matrix)
    print("-- copying it into a draft version")
    matrix_services.matrix_new_version(actor=hr, matrix=matrix)
    small = matrix_services.matrix_create(
        actor=hr,
        title="小矩阵",
        kind=MatrixKind.PROCESS,
        departments=departments[:5],
        steps=[f"步骤 {i}" for i in range(10)],
    )
    for row in small.rows.all():
        matrix_services.matrix_set_cell(
            actor=hr, matrix=small, row=row, column=small.columns.first(), value=CellValue.LEAD
        )
    return hr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="delete var/bench-matrix/db.sqlite3 first")
    args = parser.parse_args()
    setup_django(args.fresh)

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from responsibilities.choices import DocumentStatus, MatrixKind
    from responsibilities.models import Matrix

    print(f"Bench database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    hr = build()
    draft = Matrix.objects.get(kind=MatrixKind.COMPANY, status=DocumentStatus.DRAFT)
    small = Matrix.objects.get(kind=MatrixKind.PROCESS, title="小矩阵")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cases = [
        ("small draft grid (10 × 5)", f"/responsibilities/matrices/{small.pk}/", MAX_PAGE_SECONDS),
        ("draft grid (60 × 40)", f"/responsibilities/matrices/{draft.pk}/", MAX_PAGE_SECONDS),
        ("company page (60 × 40)", "/responsibilities/matrix/", MAX_PAGE_SECONDS),
        ("matrix.xlsx (60 × 40)", "/responsibilities/matrix.xlsx", MAX_XLSX_SECONDS),
    ]
    rows = []
    with override_settings(STORAGES=storages):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(hr)
        for label, url, limit in cases:
            queries, seconds, length = measure(client, url)
            rows.append((label, queries, seconds, length, limit))

    failed = False
    grids = {rows[0][1], rows[1][1]}
    print()
    print(f"{'case':<28}  {'queries':>7}  {'median s':>9}  {'KiB':>6}  result")
    for label, queries, seconds, length, limit in rows:
        problems = []
        if queries > MAX_QUERIES:
            problems.append(f"queries > {MAX_QUERIES}")
        if "grid" in label and len(grids) != 1:
            problems.append("query count depends on size")
        if seconds >= limit:
            problems.append(f"≥ {limit} s")
        failed = failed or bool(problems)
        result = "PASS" if not problems else "FAIL: " + "; ".join(problems)
        print(f"{label:<28}  {queries:>7}  {seconds:>9.3f}  {length / 1024:>6.0f}  {result}")
    print()
    print(
        f"Targets: ≤ {MAX_QUERIES} queries, the same for both grids; pages < {MAX_PAGE_SECONDS} s, "
        f"workbook < {MAX_XLSX_SECONDS} s (median of {RUNS} after a warm-up)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
