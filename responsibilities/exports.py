"""Printed job descriptions: one version as an A4 PDF, and a department's set for HR to print.

WeasyPrint renders ``templates/responsibilities/jd_pdf.html``. It is given no base URL and
``StaticCssFetcher``, which serves the print stylesheet and refuses every other URL (files,
HTTP, data), so nothing a user typed into a job description can make the server read a file
or call out. Fonts come from fontconfig (Noto Sans CJK SC), embedded as a subset.

A controlled document reads the same whoever prints it, so every PDF is rendered in the
company's language (``settings.LANGUAGE_CODE``), not the language of the user's session.

The PDF of an approved version is rendered once, at approval, without watermark, and stored
in ``JobDescription.pdf``: it is the record of what was issued and is served as is for the
effective version and joined into department bundles. Every other state is rendered on
demand with a 草稿 / DRAFT or 已作废 / SUPERSEDED watermark.
"""

import io
import logging
import re
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from core.pdf import STATIC_SCHEME, collector_paused, layout, render_pdf
from core.timefmt import local_day, local_minute
from org.models import Department, Post, today

from . import selectors
from .choices import DocumentStatus
from .models import JobDescription
from .services import live_identification

logger = logging.getLogger(__name__)

# Bilingual by design: a printed copy must be recognisable whatever language the reader has.
DRAFT_WATERMARK = "草稿 / DRAFT"
SUPERSEDED_WATERMARK = "已作废 / SUPERSEDED"

#: Statuses whose printed copy is the issued record (stored at approval, no watermark).
ISSUED = (DocumentStatus.APPROVED, DocumentStatus.EFFECTIVE)
WITHDRAWN = (DocumentStatus.SUPERSEDED, DocumentStatus.OBSOLETE)

CHINESE_DIGITS = "〇一二三四五六七八九"
PAGE_MARK, PAGES_MARK = "\x00", "\x01"
UNSAFE_FILENAME = re.compile(r"[^\w.-]+")


# One job description ----------------------------------------------------------------------


def _chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99), for section headings 一、二、…"""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")


def _section_numbers(count=20) -> list[str]:
    """Section numbers by position (index 0 unused): 一、二、… in Chinese, 1. 2. … otherwise."""
    if translation.get_language().startswith("zh"):
        return ["", *(f"{_chinese_number(n)}、" for n in range(1, count + 1))]
    return ["", *(f"{n}. " for n in range(1, count + 1))]


def _page_label() -> list[tuple[str, str]]:
    """The translated "Page x of y" as (kind, text) parts, kind "text", "page" or "pages";
    the template turns the counters into CSS ``counter(page)`` / ``counter(pages)``."""
    text = _("Page %(page)s of %(pages)s") % {"page": PAGE_MARK, "pages": PAGES_MARK}
    kinds = {PAGE_MARK: "page", PAGES_MARK: "pages"}
    return [(kinds.get(part, "text"), part) for part in re.split(f"({PAGE_MARK}|{PAGES_MARK})", text) if part]


def _day(value) -> str:
    return local_day(value)


def _person(user) -> str:
    """The employee's name of a login, else its user name."""
    if user is None:
        return ""
    employee = getattr(user, "employee", None)
    return employee.name if employee is not None else user.get_username()


def watermark_for(jd: JobDescription, *, issued: bool = False) -> str:
    """The watermark of a printed version: none on the issued copy (approved or effective),
    DRAFT while it is not in force, SUPERSEDED once withdrawn."""
    if jd.status in WITHDRAWN:
        return SUPERSEDED_WATERMARK
    if jd.status == DocumentStatus.EFFECTIVE or (issued and jd.status in ISSUED):
        return ""
    return DRAFT_WATERMARK


def _load(jd: JobDescription) -> JobDescription:
    """The version with everything the document shows, in a fixed number of queries."""
    return (
        selectors.with_content(JobDescription.objects.filter(pk=jd.pk))
        .select_related("prepared_by__employee", "reviewed_by__employee", "approved_by__employee")
        .get()
    )


def _revision_rows(jd: JobDescription) -> list[dict]:
    """The revision table up to this version, this version included even before it is
    published (a draft or an approved version waiting for its effective date)."""
    rows = [dict(row) for row in selectors.revision_table(jd.post) if row["version"] <= jd.version]
    if not any(row["version"] == jd.version for row in rows):
        rows.append(
            {"version": jd.version, "change_description": jd.change_description, "effective_date": jd.effective_date}
        )
    for row in rows:
        row["label"] = f"V{row['version']}.0"
        row["effective"] = _day(row["effective_date"])
        if not row["change_description"] and row["version"] == 1:
            row["change_description"] = _("First issue")
    return rows


def _context(jd: JobDescription, *, issued: bool, request=None) -> dict:
    identification = jd.identification if jd.is_frozen and jd.identification else live_identification(jd.post)
    kpis = list(jd.kpis.all())
    signatures = [
        (_("Prepared by"), _person(jd.prepared_by), _day(jd.prepared_at)),
        (_("Reviewed by"), _person(jd.reviewed_by), _day(jd.reviewed_at)),
        (_("Approved by"), _person(jd.approved_by), _day(jd.approved_at)),
    ]
    if request is not None and not issued:
        printed = _("Printed by %(name)s on %(time)s; a printed copy is not controlled.") % {
            "name": _person(request.user),
            "time": local_minute(timezone.now()),
        }
    else:
        printed = _("Controlled document; check the version in the system before use.")
    return {
        "jd": jd,
        "company": settings.QMS_COMPANY_NAME,
        "identification": identification,
        "duties": list(jd.duties.all()),
        "kpis": kpis,
        "kpi_total": sum(k.weight for k in kpis),
        "training": list(jd.required_training.all()),
        "revisions": _revision_rows(jd),
        "signatures": signatures,
        "effective_date": _day(jd.effective_date),
        "watermark": watermark_for(jd, issued=issued),
        "num": _section_numbers(),
        "page_label": _page_label(),
        "printed_note": printed,
        "stylesheet": f"{STATIC_SCHEME}css/jd-print.css",
    }


def jd_pdf_bytes(jd: JobDescription, *, request=None, issued: bool = False) -> bytes:
    """An A4 PDF of one version of a job description.

    ``issued`` renders the copy stored at approval: no watermark for an approved version.
    ``request`` (on-demand prints) adds who printed it and when to the footer.
    """
    with translation.override(settings.LANGUAGE_CODE):
        jd = _load(jd)
        html = render_to_string("responsibilities/jd_pdf.html", _context(jd, issued=issued, request=request))
    return render_pdf(html)


def issued_filename(jd: JobDescription) -> str:
    return f"{jd.document_number}-V{jd.version}.pdf"


def _read_stored(jd: JobDescription) -> bytes | None:
    if not jd.pdf:
        return None
    try:
        with jd.pdf.storage.open(jd.pdf.name, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        logger.warning("The issued PDF %s of %s is missing; rendering it again", jd.pdf.name, jd)
        return None


def store_issued_pdf(jd: JobDescription) -> bytes:
    """Render the issued copy of an approved or effective version once and store it in
    ``jd.pdf``; a copy already stored is kept. Returns the stored bytes.

    Only the ``pdf`` column is written, with ``update()``: the stored file is a by-product
    of the approval, not a change of the document, so it gets no history row and cannot
    overwrite a state change another transaction made meanwhile. When two requests store
    the same version at once, the first one's file wins and the second file is removed.
    """
    existing = _read_stored(jd)
    if existing is not None:
        return existing
    if jd.status not in ISSUED:
        raise ValueError(f"{jd} is {jd.status}: only an approved or effective version is issued")
    content = jd_pdf_bytes(jd, issued=True)
    field = jd._meta.get_field("pdf")
    name = field.storage.save(field.generate_filename(jd, issued_filename(jd)), ContentFile(content))
    won = JobDescription.objects.filter(pk=jd.pk).filter(pdf__in=["", jd.pdf.name or ""]).update(pdf=name)
    if not won:
        field.storage.delete(name)
        jd.refresh_from_db(fields=["pdf"])
        return _read_stored(jd) or content
    jd.pdf.name = name
    return content


def issued_or_rendered_pdf(jd: JobDescription, *, request=None) -> bytes:
    """The PDF to hand out: the stored issued copy of the effective version (stored now if it
    is missing); every other version rendered on demand with its watermark. An approved
    version waiting for its effective date is not in force yet, so it prints as a draft."""
    if jd.status == DocumentStatus.EFFECTIVE:
        return store_issued_pdf(jd)
    return jd_pdf_bytes(jd, request=request)


# A department's set -----------------------------------------------------------------------


def _department_posts(department: Department) -> list[tuple[Department, Post, JobDescription | None]]:
    """The current posts of a department and of the departments below it, in chart order
    (each department, then its sub-departments), with their effective versions.
    Three queries, whatever the size."""
    day = today()
    departments = {d.pk: d for d in Department.objects.valid_on(day)}
    departments.setdefault(department.pk, department)
    children = {}
    for d in sorted(departments.values(), key=lambda d: (d.sort_order, d.code)):
        children.setdefault(d.parent_id, []).append(d)
    ordered, stack = [], [department]
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    rank = {d.pk: i for i, d in enumerate(ordered)}
    posts = sorted(
        Post.objects.valid_on(day).filter(department_id__in=rank),
        key=lambda p: (rank[p.department_id], p.sort_order, p.code),
    )
    effective = {
        jd.post_id: jd
        for jd in JobDescription.objects.filter(
            post_id__in=[p.pk for p in posts], status=DocumentStatus.EFFECTIVE
        ).select_related("post")
    }
    return [(departments[p.department_id], p, effective.get(p.pk)) for p in posts]


#: Contents rows that fit on one A4 page: a first guess of the contents' own length.
TOC_ROWS_PER_PAGE = 40


def _toc_document(department, rows, *, first_page_offset: int):
    """The laid-out contents (a WeasyPrint document, not yet written)."""
    for row in rows:
        row["start_page"] = row["start"] + first_page_offset if row["jd"] else None
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "responsibilities/pdf_bundle_toc.html",
            {
                "department": department,
                "company": settings.QMS_COMPANY_NAME,
                "rows": rows,
                "several_departments": len({row["department"].pk for row in rows}) > 1,
                "day": _day(today()),
                "page_label": _page_label(),
                "stylesheet": f"{STATIC_SCHEME}css/jd-print.css",
            },
        )
    return layout(html)


def department_bundle_pdf(department: Department) -> bytes:
    """The effective job descriptions of a department's current posts (sub-departments
    included) joined from their stored PDFs into one file, after a table of contents, with
    a bookmark per post."""
    rows, readers, start = [], [], 1
    for dept, post, jd in _department_posts(department):
        row = {"department": dept, "post": post, "jd": jd, "start": start}
        if jd is not None:
            reader = PdfReader(io.BytesIO(store_issued_pdf(jd)))
            readers.append((post, reader))
            start += len(reader.pages)
        rows.append(row)

    # The start pages depend on the length of the contents itself: lay it out again (rarely)
    # until the guess holds, and write it once.
    toc_pages = 1 + len(rows) // TOC_ROWS_PER_PAGE
    with collector_paused():
        for _attempt in range(3):
            toc = _toc_document(department, rows, first_page_offset=toc_pages)
            if len(toc.pages) == toc_pages:
                break
            toc_pages = len(toc.pages)
        contents = toc.write_pdf()

    writer = PdfWriter()
    with translation.override(settings.LANGUAGE_CODE):
        writer.append(PdfReader(io.BytesIO(contents)), outline_item=_("Contents"), import_outline=False)
        title = _("Job descriptions of %(department)s") % {"department": department.name}
    for post, reader in readers:
        writer.append(reader, outline_item=f"{post.code} {post.title}", import_outline=False)
    writer.add_metadata({"/Title": title, "/Author": settings.QMS_COMPANY_NAME or title})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def department_zip(department: Department) -> bytes:
    """A zip of the issued PDFs of a department's current posts, one ``<post code>.pdf`` each."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for _dept, post, jd in _department_posts(department):
            if jd is not None:
                archive.writestr(f"{UNSAFE_FILENAME.sub('_', post.code)}.pdf", store_issued_pdf(jd))
    return out.getvalue()


# Duties and KPIs of every effective job description (Excel) ------------------------------


def duties_kpis_xlsx() -> bytes:
    """Every effective job description's duties (one row per duty, with the post's KPIs) and
    KPIs (one row per KPI), as a print-ready workbook.

    Built for 2000 posts and more: three queries whatever the size (job descriptions, duties,
    KPIs, each as plain tuples) and openpyxl's write-only mode, which streams the rows.
    """
    from core.spreadsheet import new_write_only_workbook, workbook_bytes, write_only_table

    from .choices import Frequency
    from .models import Duty, Kpi

    effective = {"status": DocumentStatus.EFFECTIVE}
    jds = {}
    for pk, number, version, effective_date, post_code, post_title, dept_code, dept_name in (
        JobDescription.objects.filter(**effective)
        .order_by("post__department__sort_order", "post__department__code", "post__sort_order", "post__code")
        .values_list(
            "pk",
            "document_number",
            "version",
            "effective_date",
            "post__code",
            "post__title",
            "post__department__code",
            "post__department__name",
        )
    ):
        jds[pk] = (dept_code, dept_name, post_code, post_title, number, f"V{version}.0", effective_date)
    frequencies = dict(Frequency.choices)
    kpis = {}
    for jd_id, name, formula, target, frequency, weight, source in (
        Kpi.objects.filter(**{f"job_description__{k}": v for k, v in effective.items()})
        .order_by("job_description_id", "order", "pk")
        .values_list("job_description_id", "name", "formula", "target", "frequency", "weight", "data_source")
    ):
        kpis.setdefault(jd_id, []).append(
            (name, formula, target, str(frequencies.get(frequency, frequency)), weight, source)
        )
    duties = {}
    for jd_id, title, description, share in (
        Duty.objects.filter(**{f"job_description__{k}": v for k, v in effective.items()})
        .order_by("job_description_id", "order", "pk")
        .values_list("job_description_id", "title", "description", "time_share")
    ):
        duties.setdefault(jd_id, []).append((title, description, share))

    def kpi_text(jd_id):
        return "\n".join(
            _("%(name)s: %(target)s (%(weight)s %%)") % {"name": k[0], "target": k[2], "weight": k[4]}
            for k in kpis.get(jd_id, [])
        )

    def duty_rows():
        for jd_id, head in jds.items():
            summary = kpi_text(jd_id)
            for number, (title, description, share) in enumerate(duties.get(jd_id, []), start=1):
                yield [*head, number, title, description, share, summary]

    def kpi_rows():
        for jd_id, head in jds.items():
            for number, (name, formula, target, frequency, weight, source) in enumerate(kpis.get(jd_id, []), start=1):
                yield [*head, number, name, formula, target, frequency, weight, source]

    identity = [
        _("Department code"),
        _("Department"),
        _("Post code"),
        _("Post"),
        _("Document number"),
        _("Version"),
        _("Effective date"),
        _("No."),
    ]
    identity_widths = [12, 16, 12, 18, 14, 8, 11, 5]
    wb = new_write_only_workbook()
    day = today().isoformat()
    write_only_table(
        wb,
        title=_("Duties of the effective job descriptions, %(day)s") % {"day": day},
        sheet_title=_("Duties"),
        columns=[*identity, _("Duty"), _("Description"), _("Share of working time (%)"), _("KPIs of the post")],
        rows=duty_rows(),
        widths=[*identity_widths, 30, 40, 9, 36],
    )
    write_only_table(
        wb,
        title=_("KPIs of the effective job descriptions, %(day)s") % {"day": day},
        sheet_title=_("KPIs"),
        columns=[*identity, _("KPI"), _("Formula"), _("Target"), _("Measured"), _("Weight (%)"), _("Data source")],
        rows=kpi_rows(),
        widths=[*identity_widths, 24, 30, 14, 10, 8, 18],
    )
    return workbook_bytes(wb)
