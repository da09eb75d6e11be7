#!/usr/bin/env python
"""Benchmark of the satisfaction analysis report for campaigns of 50 and 500 customers.

Run from anywhere with the project's virtualenv active::

    python bench/satisfaction_report_bench.py            # reuse var/bench-satisfaction/
    python bench/satisfaction_report_bench.py --fresh    # start from an empty bench database

It works on its own SQLite file under ``var/bench-satisfaction/`` (never the demo database),
migrates it and creates, once per size, a customer set (``B<size>-0001`` …) with two yearly
campaigns on the standard form (CSS v1) where every customer answered every question, so
the report also computes a trend. The rows are bulk-inserted (the services would take
minutes and are not what is measured). Then, as a quality manager, it requests the report
page (one warm-up, then ``RUNS`` timed requests, counting queries), the Excel and the PDF.

Targets: at most ``MAX_QUERIES`` queries for the page, the same number for both sizes; for
500 customers the page under ``MAX_PAGE_SECONDS``, the Excel under ``MAX_XLSX_SECONDS`` and
the PDF under ``MAX_PDF_SECONDS`` (medians). Exit code 1 when one fails.
"""

import argparse
import random
import sys
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-satisfaction"
SIZES = (50, 500)
TIMED_SIZE = 500
RUNS = 5
MAX_QUERIES = 20
MAX_PAGE_SECONDS = 1.0
MAX_XLSX_SECONDS = 3.0
MAX_PDF_SECONDS = 10.0
BENCH_USERNAME = "bench-satisfaction"


def setup_django(fresh):
    harness.setup_django(BENCH_DIR, fresh)


def create_data(size, owner):
    """Customers ``B<size>-…`` and two campaigns (2025, 2026) that all of them answered."""
    import datetime

    from complaints.models import Customer
    from satisfaction.choices import CampaignStatus, Channel, Level
    from satisfaction.models import Answer, Campaign, Invitation, Response, SurveyTemplate
    from satisfaction.services import new_token

    prefix = f"B{size}-"
    if Customer.objects.filter(code__startswith=prefix).exists():
        print(f"-- {size} customers: already there")
        return Campaign.objects.get(title=f"bench {size} 2026")
    print(f"-- {size} customers: creating", flush=True)
    rng = random.Random(size)
    template = SurveyTemplate.objects.get(code="CSS", version=1)
    questions = [
        (item.pk, sub.pk if sub else None)
        for item in template.items.prefetch_related("sub_items")
        for sub in (list(item.sub_items.all()) or [None])
    ]
    customers = Customer.objects.bulk_create(
        [Customer(code=f"{prefix}{i:04d}", name=f"测试客户{i:04d}有限公司") for i in range(1, size + 1)]
    )
    campaign = None
    for year in (2025, 2026):
        campaign = Campaign.objects.create(
            title=f"bench {size} {year}",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            template=template,
            target_rate=95,
            deadline=datetime.date(year, 11, 30),
            owner=owner,
            status=CampaignStatus.CLOSED,
        )
        invitations = Invitation.objects.bulk_create(
            [Invitation(campaign=campaign, customer=c, token=new_token()) for c in customers]
        )
        responses = Response.objects.bulk_create(
            [
                Response(
                    campaign=campaign,
                    customer=inv.customer,
                    invitation=inv,
                    channel=Channel.PAPER,
                    comment="交付及时" if i % 7 == 0 else "",
                )
                for i, inv in enumerate(invitations)
            ]
        )
        levels = list(Level)
        Answer.objects.bulk_create(
            [
                Answer(
                    response=r,
                    item_id=item,
                    sub_item_id=sub,
                    level=rng.choices(levels, weights=(55, 30, 11, 3, 1))[0],
                )
                for r in responses
                for item, sub in questions
                if rng.random() > 0.03
            ],
            batch_size=2000,
        )
        print(f"   {campaign.title}: {len(responses)} responses", flush=True)
    return campaign


def measure(client, url, runs=RUNS):
    queries, seconds, response = harness.measure(client, url, runs)
    return queries, seconds, len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="delete var/bench-satisfaction/db.sqlite3 first")
    args = parser.parse_args()
    setup_django(args.fresh)

    import datetime

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client, override_settings

    from org.choices import Role
    from org.models import Employee

    print(f"Bench database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    user, _created = get_user_model().objects.get_or_create(username=BENCH_USERNAME)
    user.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER))
    owner, _created = Employee.objects.get_or_create(
        number="BENCH-S", defaults={"name": "Bench", "user": user, "hire_date": datetime.date(2020, 1, 1)}
    )
    campaigns = {size: create_data(size, owner) for size in SIZES}

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    rows = []
    with override_settings(STORAGES=storages):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for size in SIZES:
            base = f"/satisfaction/campaigns/{campaigns[size].pk}/"
            page = measure(client, base + "report/")
            xlsx = measure(client, base + "report.xlsx", runs=3) if size == TIMED_SIZE else None
            pdf = measure(client, base + "report.pdf", runs=3) if size == TIMED_SIZE else None
            rows.append((size, page, xlsx, pdf))

    same = len({page[0] for _size, page, _x, _p in rows}) == 1
    failed = False
    print()
    print(f"{'customers':>9}  {'queries':>7}  {'page s':>7}  {'xlsx s':>7}  {'pdf s':>7}  {'pdf KiB':>7}  result")
    for size, page, xlsx, pdf in rows:
        problems = []
        if page[0] > MAX_QUERIES:
            problems.append(f"queries > {MAX_QUERIES}")
        if not same:
            problems.append("query count depends on size")
        if size == TIMED_SIZE:
            if page[1] >= MAX_PAGE_SECONDS:
                problems.append(f"page ≥ {MAX_PAGE_SECONDS} s")
            if xlsx[1] >= MAX_XLSX_SECONDS:
                problems.append(f"xlsx ≥ {MAX_XLSX_SECONDS} s")
            if pdf[1] >= MAX_PDF_SECONDS:
                problems.append(f"pdf ≥ {MAX_PDF_SECONDS} s")
        failed = failed or bool(problems)
        result = "PASS" if not problems else "FAIL: " + "; ".join(problems)
        x = f"{xlsx[1]:>7.3f}" if xlsx else f"{'-':>7}"
        p = f"{pdf[1]:>7.3f}" if pdf else f"{'-':>7}"
        kib = f"{pdf[2] / 1024:>7.0f}" if pdf else f"{'-':>7}"
        print(f"{size:>9}  {page[0]:>7}  {page[1]:>7.3f}  {x}  {p}  {kib}  {result}")
    print()
    print(
        f"Targets: ≤ {MAX_QUERIES} queries for the page, independent of size; for {TIMED_SIZE} customers "
        f"page < {MAX_PAGE_SECONDS} s, Excel < {MAX_XLSX_SECONDS} s, PDF < {MAX_PDF_SECONDS} s (medians)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
