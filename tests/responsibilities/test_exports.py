"""The printed job description, its issued copy and a department's set (``responsibilities.exports``).

PDFs are opened and read back: text through poppler's ``pdftotext``, fonts, outline and
watermark through pypdf. Job descriptions are written, submitted and approved through the
services, as in real use; posts in Workshop 1 are edited by HR and approved by the head of
Production (``prod_head``).
"""

import datetime
import io
import logging
import re
import subprocess
import zipfile

import pytest
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

from core import pdf
from org.models import Post, today
from responsibilities import exports, services
from responsibilities.choices import DocumentStatus
from responsibilities.models import JobDescription
from tests.factories import PostFactory

COMPANY = "示例精密制造有限公司"
DUTIES = [
    {
        "title": "来料检验管理",
        "description": "确保不合格物料不投入生产。",
        "time_share": 60,
        "tasks": [
            {
                "who": "检验员",
                "what": "按抽样方案抽检来料",
                "how": "依据检验规范",
                "when": "到货后4小时内",
                "result": "检验记录完整",
            },
            {
                "who": "检验员",
                "what": "标识并隔离可疑批次",
                "how": "挂状态牌",
                "when": "发现后立即",
                "result": "无误用",
            },
        ],
    },
    {
        "title": "不合格品处置",
        "description": "",
        "time_share": 40,
        "tasks": [{"who": "操作工", "what": "填写不合格品报告", "how": "", "when": "当班", "result": "记录可追溯"}],
    },
]
KPIS = [
    {
        "name": "来料检验及时率",
        "formula": "按时检验批次/到货批次",
        "target": "≥98%",
        "frequency": "monthly",
        "weight": 60,
        "data_source": "检验台账",
    },
    {
        "name": "漏检率",
        "formula": "漏检批次/检验批次",
        "target": "≤0.5%",
        "frequency": "quarterly",
        "weight": 40,
        "data_source": "异常联络单",
    },
]
TRAINING = [
    {"name": "检验规范培训", "before_taking_up": True, "validity_months": 24},
    {"name": "叉车操作证", "before_taking_up": False, "validity_months": None},
]
FIELDS = {
    "summary": "负责车间来料和过程的检验工作，确保产品符合要求。",
    "performance_standards": "检验记录真实完整。",
    "supervised_by": "生产经理",
    "authorities": "对不合格物料有拒收权。",
    "working_hours": "每周五天，每天八小时",
    "working_environment": "生产现场，有噪声",
    "education": "大专及以上学历",
    "experience": "三年检验经验",
    "knowledge": "熟悉抽样标准",
    "skills": "会使用常用量具",
    "change_description": "首次发布",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Issued PDFs go to a temporary media folder; the company name shows in the header."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QMS_COMPANY_NAME = COMPANY


@pytest.fixture
def inspector_post(org_tree):
    """A second post in Workshop 1, approved like the operator's by the head of Production."""
    return PostFactory(
        code="W1-03",
        title="检验员",
        department=org_tree.w1,
        superior=org_tree.w1_head_post,
        sort_order=5,
        valid_from=org_tree.operator_post.valid_from,
    )


def write_draft(post, editor, **fields):
    jd = services.jd_new_draft(actor=editor, post=post)
    services.jd_update(
        actor=editor,
        jd=jd,
        revision=jd.edit_revision,
        fields=FIELDS | fields,
        duties=DUTIES,
        kpis=KPIS,
        training=TRAINING,
    )
    return jd


def issue(jd, *, editor, approver, capture, effective_date=None):
    """Submit and approve, running the on-commit hook that stores the issued PDF."""
    services.jd_submit(actor=editor, jd=jd)
    with capture(execute=True):
        services.jd_approve(actor=approver, jd=jd, effective_date=effective_date)
    jd.refresh_from_db()
    return jd


@pytest.fixture
def effective_jd(org_tree, django_capture_on_commit_callbacks):
    jd = write_draft(org_tree.operator_post, org_tree.hr_user)
    return issue(jd, editor=org_tree.hr_user, approver=org_tree.prod_head, capture=django_capture_on_commit_callbacks)


def pdf_text(content: bytes, *, layout=False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=content, capture_output=True, check=True).stdout.decode()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def watermark_of(content: bytes) -> str:
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    for mark in (exports.DRAFT_WATERMARK, exports.SUPERSEDED_WATERMARK):
        if mark in text:
            return mark
    return ""


def zh(message, **values):
    """``message`` in the company's language, as the PDF prints it."""
    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(message)
    return text % values if values else text


# Content ----------------------------------------------------------------------------------


def test_pdf_has_every_section_numbered_in_chinese(effective_jd):
    text = squash(pdf_text(exports.jd_pdf_bytes(effective_jd)))
    headings = [
        "Post identification",
        "Summary",
        "Duties and tasks",
        "Performance standards",
        "Key performance indicators",
        "Working relationships",
        "Authorities",
        "Working hours and environment",
        "Qualifications",
        "Required training",
        "Revision record",
        "Approval",
    ]
    for number, heading in zip("一二三四五六七八九", headings, strict=False):
        assert squash(f"{number}、{zh(heading)}") in text
    assert squash(f"十、{zh('Required training')}") in text
    assert squash(f"十一、{zh('Revision record')}") in text
    assert squash(f"十二、{zh('Approval')}") in text


def test_pdf_shows_the_content_of_the_version(effective_jd):
    text = squash(pdf_text(exports.jd_pdf_bytes(effective_jd)))
    for value in FIELDS.values():
        assert squash(value) in text
    for duty in DUTIES:
        assert duty["title"] in text
        for task in duty["tasks"]:
            for name in ("who", "what", "how", "when", "result"):
                assert squash(task[name]) in text
    assert "确保不合格物料不投入生产。" in text
    for item in TRAINING:
        assert item["name"] in text
    # Identification, taken from the org chart and frozen at approval.
    for value in ("Operator", "W1-02", "Workshop1", "Workshoplead"):
        assert value in text


def test_kpi_table_has_one_row_per_kpi_with_its_columns(effective_jd):
    lines = pdf_text(exports.jd_pdf_bytes(effective_jd), layout=True).splitlines()
    for kpi in KPIS:
        row = next(line for line in lines if kpi["name"] in line)
        for value in (kpi["formula"], kpi["target"], f"{kpi['weight']} %", kpi["data_source"]):
            assert value in row
    assert zh("Monthly") in next(line for line in lines if "来料检验及时率" in line)
    assert zh("Quarterly") in next(line for line in lines if "漏检率" in line)
    assert any("100 %" in line for line in lines)  # the total of the weights


def test_header_names_company_document_version_and_page_x_of_y(effective_jd):
    content = exports.jd_pdf_bytes(effective_jd)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    for number in range(1, pages + 1):
        page = squash(
            subprocess.run(
                ["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), "-", "-"],
                input=content,
                capture_output=True,
                check=True,
            ).stdout.decode()
        )
        assert COMPANY in page
        assert "JD-W1-02" in page
        assert "V1.0" in page
        assert squash(zh("Page %(page)s of %(pages)s", page=number, pages=pages)) in page


def test_signature_block_names_the_employees_and_falls_back_to_the_user_name(org_tree):
    jd = write_draft(org_tree.operator_post, org_tree.hr_user)
    JobDescription.objects.filter(pk=jd.pk).update(reviewed_by=org_tree.no_employee_user)
    text = pdf_text(exports.jd_pdf_bytes(jd))
    assert "Hannah HR" in text  # prepared by: the employee's name
    assert "noemployee" in text  # reviewed by: a login without an employee


def test_approved_version_shows_who_approved_and_when(effective_jd):
    text = pdf_text(exports.jd_pdf_bytes(effective_jd))
    assert "Paul Production" in text
    assert today().isoformat() in text


def test_document_is_chinese_with_embedded_subset_fonts(effective_jd):
    reader = PdfReader(io.BytesIO(exports.jd_pdf_bytes(effective_jd)))
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert re.fullmatch(r"/[A-Z]{6}\+Noto-Sans-CJK-SC.*", name), name
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name


def test_identification_is_live_in_a_draft_and_frozen_once_approved(org_tree, effective_jd):
    lead = Post.objects.get(pk=org_tree.w1_head_post.pk)
    lead.title = "Shift supervisor"
    lead.save()
    assert "Workshop lead" in pdf_text(exports.jd_pdf_bytes(effective_jd))

    draft = services.jd_new_draft(actor=org_tree.hr_user, post=org_tree.operator_post)
    text = pdf_text(exports.jd_pdf_bytes(draft))
    assert "Shift supervisor" in text
    assert "Workshop lead" not in text


def test_revision_table_lists_the_versions_up_to_the_one_printed(
    org_tree, effective_jd, django_capture_on_commit_callbacks
):
    v2 = write_draft(org_tree.operator_post, org_tree.hr_user, change_description="增加漏检率指标")
    text = squash(pdf_text(exports.jd_pdf_bytes(v2)))
    assert "V1.0首次发布" in text
    assert "V2.0增加漏检率指标" in text

    issue(v2, editor=org_tree.hr_user, approver=org_tree.prod_head, capture=django_capture_on_commit_callbacks)
    effective_jd.refresh_from_db()
    assert effective_jd.status == DocumentStatus.SUPERSEDED
    assert "增加漏检率指标" not in squash(pdf_text(exports.jd_pdf_bytes(effective_jd)))


def test_user_text_is_printed_as_text_never_fetched(org_tree, caplog):
    markup = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.com/x.css">'
    jd = write_draft(org_tree.operator_post, org_tree.hr_user, summary=markup)
    with caplog.at_level(logging.WARNING):
        content = exports.jd_pdf_bytes(jd)
    assert squash(markup) in squash(pdf_text(content))
    assert "Refused" not in caplog.text  # nothing in the text was even requested


# Watermarks -------------------------------------------------------------------------------


def test_draft_and_in_review_versions_carry_the_draft_watermark(org_tree):
    jd = write_draft(org_tree.operator_post, org_tree.hr_user)
    assert watermark_of(exports.jd_pdf_bytes(jd)) == exports.DRAFT_WATERMARK
    services.jd_submit(actor=org_tree.hr_user, jd=jd)
    jd.refresh_from_db()
    assert watermark_of(exports.issued_or_rendered_pdf(jd)) == exports.DRAFT_WATERMARK


def test_watermark_is_on_every_page(org_tree):
    jd = write_draft(org_tree.operator_post, org_tree.hr_user, summary="长文本。" * 900)
    reader = PdfReader(io.BytesIO(exports.jd_pdf_bytes(jd)))
    assert len(reader.pages) > 1
    assert all(exports.DRAFT_WATERMARK in page.extract_text() for page in reader.pages)


def test_effective_version_has_no_watermark(effective_jd):
    assert effective_jd.status == DocumentStatus.EFFECTIVE
    assert watermark_of(exports.issued_or_rendered_pdf(effective_jd)) == ""
    assert watermark_of(exports.jd_pdf_bytes(effective_jd)) == ""


def test_approved_version_not_yet_in_force_prints_as_draft_but_is_issued_clean(
    org_tree, django_capture_on_commit_callbacks
):
    jd = write_draft(org_tree.operator_post, org_tree.hr_user)
    jd = issue(
        jd,
        editor=org_tree.hr_user,
        approver=org_tree.prod_head,
        capture=django_capture_on_commit_callbacks,
        effective_date=today() + datetime.timedelta(days=10),
    )
    assert jd.status == DocumentStatus.APPROVED
    assert watermark_of(exports.issued_or_rendered_pdf(jd)) == exports.DRAFT_WATERMARK
    with jd.pdf.open("rb") as stored:
        assert watermark_of(stored.read()) == ""


def test_superseded_version_carries_the_superseded_watermark(
    org_tree, effective_jd, django_capture_on_commit_callbacks
):
    v2 = write_draft(org_tree.operator_post, org_tree.hr_user)
    issue(v2, editor=org_tree.hr_user, approver=org_tree.prod_head, capture=django_capture_on_commit_callbacks)
    effective_jd.refresh_from_db()
    assert watermark_of(exports.issued_or_rendered_pdf(effective_jd)) == exports.SUPERSEDED_WATERMARK


# The issued copy --------------------------------------------------------------------------


def test_approval_stores_the_issued_pdf_without_a_history_row(org_tree, django_capture_on_commit_callbacks):
    jd = write_draft(org_tree.operator_post, org_tree.hr_user)
    services.jd_submit(actor=org_tree.hr_user, jd=jd)
    with django_capture_on_commit_callbacks() as callbacks:
        services.jd_approve(actor=org_tree.prod_head, jd=jd)
    history_rows = jd.history.count()
    for callback in callbacks:
        callback()

    jd.refresh_from_db()
    assert jd.pdf.name == f"jd-pdf/{today():%Y}/JD-W1-02-V1.pdf"
    with jd.pdf.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF")
    assert "JD-W1-02" in pdf_text(content)
    assert jd.history.count() == history_rows


def test_issued_pdf_is_served_as_stored_even_after_a_new_draft_changes_the_text(org_tree, effective_jd):
    with effective_jd.pdf.open("rb") as stored:
        issued = stored.read()
    draft = write_draft(org_tree.operator_post, org_tree.hr_user, summary="新版本的工作概述。")

    assert exports.issued_or_rendered_pdf(effective_jd) == issued
    assert "新版本的工作概述" in pdf_text(exports.issued_or_rendered_pdf(draft))
    assert "新版本的工作概述" not in pdf_text(issued)


def test_storing_again_keeps_the_issued_copy(effective_jd):
    name = effective_jd.pdf.name
    with effective_jd.pdf.open("rb") as stored:
        issued = stored.read()
    assert exports.store_issued_pdf(effective_jd) == issued
    effective_jd.refresh_from_db()
    assert effective_jd.pdf.name == name


def test_a_missing_issued_file_is_rendered_and_stored_again(effective_jd):
    effective_jd.pdf.storage.delete(effective_jd.pdf.name)
    content = exports.issued_or_rendered_pdf(effective_jd)
    assert watermark_of(content) == ""
    effective_jd.refresh_from_db()
    with effective_jd.pdf.open("rb") as stored:
        assert stored.read() == content


def test_a_draft_is_never_stored_as_issued(org_tree):
    jd = write_draft(org_tree.operator_post, org_tree.hr_user)
    with pytest.raises(ValueError):
        exports.store_issued_pdf(jd)
    jd.refresh_from_db()
    assert not jd.pdf


# Fetching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/style.css",
        "https://example.com/style.css",
        "data:text/css,body{}",
        "qms-static:css/app.css",
        "qms-static:../qms_site/settings.py",
        "qms-static:/etc/passwd",
        "css/jd-print.css",
    ],
)
def test_fetcher_refuses_everything_but_the_print_stylesheet(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.StaticCssFetcher()(url)


def test_fetcher_serves_the_print_stylesheet():
    response = pdf.StaticCssFetcher()("qms-static:css/jd-print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_rendering_never_reads_files_or_urls(monkeypatch, caplog):
    def no_network(*args, **kwargs):
        raise AssertionError("WeasyPrint tried to open a URL")

    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="http://example.com/x.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body><p>正文</p>'
        '<img src="file:///etc/passwd"><img src="http://example.com/a.png">'
        '<img src="data:image/png;base64,iVBORw0KGgo="><img src="relative.png"></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="responsibilities.exports"):
        content = exports.render_pdf(html)

    assert "正文" in pdf_text(content)
    refused = caplog.text
    for url in ("http://example.com/x.css", "file:///etc/passwd", "http://example.com/a.png", "data:image/png"):
        assert url in refused
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert not page["/Resources"].get("/XObject")  # no image made it into the page


# Department set ---------------------------------------------------------------------------


@pytest.fixture
def workshop_set(org_tree, inspector_post, effective_jd, django_capture_on_commit_callbacks):
    """Workshop 1: the operator and the inspector have effective JDs, the lead's post has none."""
    jd = write_draft(inspector_post, org_tree.hr_user, summary="负责车间巡检。")
    inspector_jd = issue(
        jd, editor=org_tree.hr_user, approver=org_tree.prod_head, capture=django_capture_on_commit_callbacks
    )
    return [effective_jd, inspector_jd]


def test_bundle_has_contents_then_each_issued_copy_with_bookmarks(org_tree, workshop_set):
    operator_jd, inspector_jd = workshop_set
    content = exports.department_bundle_pdf(org_tree.prod)
    reader = PdfReader(io.BytesIO(content))
    issued = []
    for jd in workshop_set:
        with jd.pdf.open("rb") as stored:
            issued.append(len(PdfReader(stored).pages))
    assert len(reader.pages) == 1 + sum(issued)

    contents = squash(reader.pages[0].extract_text())
    assert squash(zh("Contents")) in contents
    assert "W1-02" in contents and "JD-W1-02" in contents
    assert "W1-03" in contents and "JD-W1-03" in contents
    assert squash(zh("No effective job description")) in contents  # the vacant lead's post and PROD-01
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert outline == [
        (zh("Contents"), 0),
        ("W1-02 Operator", 1),
        ("W1-03 检验员", 1 + issued[0]),
    ]
    # The start pages printed in the contents are those of the bookmarks.
    toc_lines = pdf_text(content, layout=True).split("\f")[0].splitlines()
    assert next(line for line in toc_lines if "JD-W1-02" in line).rstrip().endswith(" 2")
    assert next(line for line in toc_lines if "JD-W1-03" in line).rstrip().endswith(f" {2 + issued[0]}")
    # Each joined document is the issued copy: its first page reads the same.
    with inspector_jd.pdf.open("rb") as stored:
        first_page = PdfReader(stored).pages[0].extract_text()
    assert reader.pages[1 + issued[0]].extract_text() == first_page


def test_bundle_without_effective_versions_is_only_the_contents(org_tree):
    reader = PdfReader(io.BytesIO(exports.department_bundle_pdf(org_tree.gm)))
    assert len(reader.pages) == 1
    contents = reader.pages[0].extract_text()
    for post in org_tree.posts:  # the whole company, sub-departments included
        assert post.code in contents
    assert contents.count(zh("No effective job description")) == len(org_tree.posts)
    for department in org_tree.departments:  # several departments: one heading row each
        assert department.code in contents


def test_contents_longer_than_a_page_counts_its_own_pages(org_tree, effective_jd):
    for n in range(60):  # posts without a job description are listed too
        PostFactory(code=f"W1-9{n:02d}", department=org_tree.w1, valid_from=org_tree.operator_post.valid_from)
    reader = PdfReader(io.BytesIO(exports.department_bundle_pdf(org_tree.w1)))
    bookmark = next(item for item in reader.outline if item.title == "W1-02 Operator")
    start = reader.get_destination_page_number(bookmark)
    assert start >= 2  # the contents took two pages or more
    assert "JD-W1-02" in reader.pages[start].extract_text()
    contents = "".join(page.extract_text() for page in reader.pages[:start])
    line = next(line for line in contents.splitlines() if "JD-W1-02" in line)
    assert line.rstrip().endswith(str(start + 1))


def test_zip_has_one_issued_pdf_per_post_named_by_post_code(org_tree, workshop_set):
    archive = zipfile.ZipFile(io.BytesIO(exports.department_zip(org_tree.w1)))
    assert sorted(archive.namelist()) == ["W1-02.pdf", "W1-03.pdf"]
    for jd, name in zip(workshop_set, ["W1-02.pdf", "W1-03.pdf"], strict=True):
        with jd.pdf.open("rb") as stored:
            assert archive.read(name) == stored.read()


def test_closed_posts_are_left_out_of_the_set(org_tree, workshop_set, inspector_post):
    Post.objects.filter(pk=inspector_post.pk).update(valid_to=today() - datetime.timedelta(days=1))
    archive = zipfile.ZipFile(io.BytesIO(exports.department_zip(org_tree.w1)))
    assert archive.namelist() == ["W1-02.pdf"]


@pytest.mark.parametrize(
    ("n", "numeral"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (12, "十二"), (20, "二十"), (21, "二十一")]
)
def test_chinese_section_numbers(n, numeral):
    assert exports._chinese_number(n) == numeral
