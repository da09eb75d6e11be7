#!/usr/bin/env python
"""Benchmark of the printed job description: one typical JD, and a 60-post department bundle.

Run from anywhere with the project's virtualenv active::

    python bench/jd_pdf_bench.py            # reuse var/bench-jd/ if it exists
    python bench/jd_pdf_bench.py --fresh    # start from an empty bench database

It works on its own SQLite file and media folder under ``var/bench-jd/`` (never the demo
database), migrates it, and creates (once) a department of ``POSTS`` posts whose job
descriptions are typical (8 duties of 3 tasks, 6 KPIs, 4 training items, long texts: 2–3
pages), written, submitted and approved through the services, so each has its issued PDF
stored at approval. Then it times:

* rendering one job description (``exports.jd_pdf_bytes``): median of ``RUNS`` after a
  warm-up, target at most ``MAX_RENDER_SECONDS``;
* the department bundle joined from the stored PDFs (``exports.department_bundle_pdf``):
  median of ``BUNDLE_RUNS`` after a warm-up, target at most ``MAX_BUNDLE_SECONDS``.

Exit code 1 when a target is missed.
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-jd"
POSTS = 60
RUNS = 5
BUNDLE_RUNS = 3
MAX_RENDER_SECONDS = 1.0
MAX_BUNDLE_SECONDS = 5.0
PREFIX = "BJD"

SUMMARY = (
    "在质量部经理的领导下，负责本岗位范围内的质量策划、检验标准的制定与执行、过程质量监控和不合格品的处置，"
    "组织开展质量数据的收集与分析，推动纠正和预防措施的落实，确保产品质量满足顾客要求和公司质量目标。"
    "同时配合体系审核、顾客审核与第二方审核，持续改进本岗位相关的工作流程和作业指导书。"
)
DUTIES = [
    ("来料检验管理", "依据检验规范对原材料和外购件进行抽样检验，确保不合格物料不投入生产。"),
    ("过程质量控制", "按控制计划开展首件检验、巡检和末件检验，及时发现并制止批量质量问题。"),
    ("成品检验与放行", "对成品实施最终检验，出具检验报告，确认合格后办理入库和出货放行手续。"),
    ("不合格品处置", "标识、隔离和记录不合格品，组织评审并跟踪返工、返修、让步接收或报废的执行。"),
    ("顾客投诉处理", "参与顾客投诉的原因分析，在规定时限内提出临时措施，并验证纠正措施的有效性。"),
    ("质量数据统计分析", "收集检验和过程数据，运用统计技术分析趋势，按月编制质量报表并提出改进建议。"),
    ("检测设备管理", "管理本岗位使用的检测设备和量具，按计划送检校准，确保测量结果准确可靠。"),
    ("体系文件与培训", "参与编写和修订检验规范、作业指导书，对操作人员开展质量意识和检验技能培训。"),
]
TASKS = [
    (
        "检验员",
        "按抽样方案抽取样品并检验",
        "依据检验规范和图纸逐项检测，填写检验记录",
        "每批到货后4小时内",
        "检验记录完整，判定准确",
    ),
    (
        "检验员",
        "对可疑批次进行复检和标识",
        "加严抽样，必要时全检，挂状态标识牌",
        "发现异常后立即",
        "可疑物料全部受控，无误用",
    ),
    (
        "质量工程师",
        "汇总问题并通知相关部门",
        "填写质量异常联络单，跟踪责任部门回复",
        "当班内完成",
        "异常闭环率达到100%",
    ),
]
KPIS = [
    ("来料检验及时率", "按时完成检验批次 / 到货批次 × 100%", "≥ 98%", "monthly", 20, "检验记录台账"),
    ("检验漏检率", "后工序发现的漏检批次 / 检验批次 × 100%", "≤ 0.5%", "monthly", 20, "质量异常联络单"),
    ("顾客投诉按时回复率", "48小时内回复的投诉数 / 投诉总数 × 100%", "≥ 95%", "monthly", 15, "投诉处理记录"),
    ("纠正措施有效率", "验证有效的纠正措施数 / 已关闭措施数 × 100%", "≥ 90%", "quarterly", 15, "纠正预防措施报告"),
    ("量具校准完成率", "按期校准的量具数 / 应校准量具数 × 100%", "100%", "quarterly", 15, "计量器具台账"),
    ("培训计划完成率", "实际完成的培训课时 / 计划课时 × 100%", "≥ 95%", "half_yearly", 15, "培训签到表"),
]
TRAINING = [
    ("质量管理体系基础知识", True, None),
    ("检验规范与抽样方案", True, 24),
    ("测量系统分析与量具使用", False, 24),
    ("内部审核员资格", False, 36),
]
TEXTS = {
    "performance_standards": (
        "1. 检验工作按计划和规范完成，检验记录真实、完整、可追溯；\n"
        "2. 发现的质量异常在当班内报告并采取隔离措施，不发生批量不合格品流入下道工序；\n"
        "3. 月度质量报表在次月第三个工作日前提交，数据准确，分析有针对性；\n"
        "4. 顾客投诉在规定时限内回复，纠正措施按期验证关闭。"
    ),
    "supervised_by": "质量部经理",
    "supervises": "本班组检验员",
    "internal_relations": "生产部、采购部、技术部、仓储部：检验结果通报、不合格品评审、工艺问题沟通、物料状态确认",
    "external_relations": "供应商质量人员、顾客质量代表、第三方检测与计量机构",
    "authorities": (
        "1. 对不符合检验规范的物料和产品有判定不合格和拒收的权力；\n"
        "2. 发现批量质量问题时有要求暂停生产并上报的权力；\n"
        "3. 对供应商质量表现有评价和提出处理建议的权力；\n"
        "4. 有查阅与质量相关的生产、采购和技术资料的权力。"
    ),
    "working_hours": "标准工时制，每周五天，每天八小时；生产需要时按排班轮值",
    "working_environment": "办公室与生产现场、检验室交替，现场有噪声和粉尘，需按规定穿戴劳动防护用品",
    "education": "大专及以上学历，机械、材料或质量管理相关专业",
    "experience": "三年以上制造业质量检验或质量管理工作经验，其中一年以上同类产品经验",
    "knowledge": "熟悉ISO 9001质量管理体系、常用抽样标准、统计过程控制和测量系统分析方法，能读懂机械图纸",
    "skills": "熟练使用常用检测量具和办公软件，具备良好的沟通协调能力、问题分析能力和书面表达能力",
}


def setup_django(fresh):
    """Point the settings at the bench database and media folder, then start Django."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "static").mkdir(exist_ok=True)
    database = BENCH_DIR / "db.sqlite3"
    if fresh:
        database.unlink(missing_ok=True)
        shutil.rmtree(BENCH_DIR / "media", ignore_errors=True)
    os.environ["QMS_VAR_DIR"] = str(BENCH_DIR)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "qms_site.settings"
    os.environ.setdefault("QMS_COMPANY_NAME", "示例精密制造有限公司")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()


def typical_content(n):
    """The fields, duties, KPIs and training of a typical job description (post ``n``)."""
    fields = dict(TEXTS, summary=SUMMARY, change_description="首次发布" if n % 2 else "")
    duties = [
        {
            "title": title,
            "description": description,
            "time_share": 12 if i < 4 else 13,
            "tasks": [dict(zip(("who", "what", "how", "when", "result"), task, strict=True)) for task in TASKS],
        }
        for i, (title, description) in enumerate(DUTIES)
    ]
    kpis = [
        dict(zip(("name", "formula", "target", "frequency", "weight", "data_source"), k, strict=True)) for k in KPIS
    ]
    training = [
        {"name": name, "before_taking_up": before, "validity_months": months} for name, before, months in TRAINING
    ]
    return fields, duties, kpis, training


def _login(username, name, *, groups=(), post=None):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from org.models import Assignment, Employee, today

    user, _created = get_user_model().objects.get_or_create(username=username)
    user.groups.add(*[Group.objects.get(name=g) for g in groups])
    employee, _created = Employee.objects.get_or_create(
        number=username, defaults={"name": name, "user": user, "hire_date": today()}
    )
    if post is not None and not Assignment.objects.filter(employee=employee, post=post).exists():
        Assignment.objects.create(employee=employee, post=post, start=today())
    return user


def prepare():
    """The bench department with ``POSTS`` approved job descriptions (created once)."""
    from org.choices import Role
    from org.models import Department, Post
    from responsibilities import exports, services
    from responsibilities.choices import DocumentStatus
    from responsibilities.models import JobDescription

    top, _created = Department.objects.get_or_create(code=PREFIX, defaults={"name": "质量中心"})
    if top.head_post_id is None:
        head_post = Post.objects.create(code=f"{PREFIX}-00", title="质量总监", department=top)
        top.head_post = head_post
        top.save(update_fields=["head_post"])
    approver = _login(f"{PREFIX.lower()}-approver", "周立新", post=top.head_post)
    editor = _login(f"{PREFIX.lower()}-hr", "陈晓红", groups=[Role.HR])
    department, _created = Department.objects.get_or_create(
        code=f"{PREFIX}-QC", defaults={"name": "质量检验部", "parent": top}
    )
    for n in range(1, POSTS + 1):
        post, _created = Post.objects.get_or_create(
            code=f"{PREFIX}-QC-{n:02d}",
            defaults={"title": f"质量检验工程师{n:02d}", "department": department, "superior": top.head_post},
        )
        started = time.perf_counter()
        # Picks up where an interrupted run stopped: a draft, a version in review, a missing PDF.
        jd = JobDescription.objects.filter(post=post).order_by("-version").first()
        if jd is None:
            jd = services.jd_new_draft(actor=editor, post=post)
        elif jd.status == DocumentStatus.EFFECTIVE and jd.pdf:
            continue
        if jd.status == DocumentStatus.DRAFT:
            fields, duties, kpis, training = typical_content(n)
            services.jd_update(
                actor=editor,
                jd=jd,
                revision=jd.edit_revision,
                fields=fields,
                duties=duties,
                kpis=kpis,
                training=training,
            )
            jd = services.jd_submit(actor=editor, jd=jd)
        if jd.status == DocumentStatus.IN_REVIEW:
            # Outside a surrounding transaction the on-commit hook runs at once: the PDF is stored.
            jd = services.jd_approve(actor=approver, jd=jd)
        exports.store_issued_pdf(jd)
        print(f"  {post.code}: approved and issued in {time.perf_counter() - started:.2f} s", flush=True)
    return department


def timed(function, runs):
    """(median seconds, last result) of ``runs`` calls after a warm-up."""
    result = function()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="delete the bench database and its PDFs first")
    args = parser.parse_args()
    setup_django(args.fresh)

    from django.conf import settings
    from django.core.management import call_command
    from pypdf import PdfReader

    from responsibilities import exports
    from responsibilities.choices import DocumentStatus
    from responsibilities.models import JobDescription

    print(f"Bench database: {settings.DATABASES['default']['NAME']}")
    print("Migrating…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Preparing a department of {POSTS} posts with approved, issued job descriptions…", flush=True)
    department = prepare()
    jd = JobDescription.objects.filter(post__department=department, status=DocumentStatus.EFFECTIVE).first()

    print("Timing…", flush=True)
    render_s, one = timed(lambda: exports.jd_pdf_bytes(jd), RUNS)
    bundle_s, bundle = timed(lambda: exports.department_bundle_pdf(department), BUNDLE_RUNS)
    rows = [
        ("one job description", RUNS, render_s, MAX_RENDER_SECONDS, one),
        (f"{POSTS}-post bundle", BUNDLE_RUNS, bundle_s, MAX_BUNDLE_SECONDS, bundle),
    ]
    failed = False
    print()
    print(f"{'measure':<20}  {'runs':>4}  {'median s':>8}  {'target s':>8}  {'pages':>5}  {'KiB':>6}  result")
    for label, runs, seconds, target, content in rows:
        pages = len(PdfReader(io.BytesIO(content)).pages)
        ok = seconds <= target
        failed = failed or not ok
        result = "PASS" if ok else f"FAIL: > {target} s"
        print(
            f"{label:<20}  {runs:>4}  {seconds:>8.3f}  {target:>8.1f}  {pages:>5}  {len(content) / 1024:>6.0f}  {result}"
        )
    print()
    print(
        f"Targets: one typical job description (2–3 pages) ≤ {MAX_RENDER_SECONDS} s, "
        f"the {POSTS}-post bundle from stored PDFs ≤ {MAX_BUNDLE_SECONDS} s (medians after a warm-up)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
