"""Reads of job descriptions and charters, scoped to the user who asks."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from guardian.core import ObjectPermissionChecker

from org.models import Assignment, Department, Post, today

from . import permissions
from .choices import PUBLISHED, DocumentStatus
from .models import Acknowledgement, DepartmentCharter, Duty, JobDescription

JD_PREFETCH = (
    Prefetch("duties", queryset=Duty.objects.prefetch_related("tasks")),
    "kpis",
    "required_training",
)


def with_content(queryset):
    return queryset.select_related(
        "post__department", "post__superior", "prepared_by", "reviewed_by", "approved_by"
    ).prefetch_related(*JD_PREFETCH)


def effective_jd(post) -> JobDescription | None:
    return with_content(JobDescription.objects.filter(post=post, status=DocumentStatus.EFFECTIVE)).first()


def jd_versions(post):
    """Every version of a post's job description, newest first."""
    return list(
        JobDescription.objects.filter(post=post)
        .select_related("post__department", "prepared_by", "approved_by")
        .order_by("-version")
    )


def visible_versions(user, post):
    return [jd for jd in jd_versions(post) if permissions.can_view_jd(user, jd)]


def jd_for_user(user, post, version=None) -> JobDescription:
    """The version to show: the requested one; else, for editors, the newest version; else the
    effective one. 404 when there is none the user may see."""
    versions = with_content(JobDescription.objects.filter(post=post))
    if version is not None:
        jd = versions.filter(version=version).first()
    elif permissions.can_edit_jd(user, post):
        jd = versions.exclude(status=DocumentStatus.OBSOLETE).order_by("-version").first()
    else:
        jd = versions.filter(status=DocumentStatus.EFFECTIVE).first()
    if jd is None or not permissions.can_view_jd(user, jd):
        raise Http404
    return jd


def revision_table(post):
    """The revision table (版本 / 修改内容 / 生效日期) built from the published versions."""
    return list(
        JobDescription.objects.filter(
            post=post, status__in=[*PUBLISHED, DocumentStatus.APPROVED, DocumentStatus.OBSOLETE]
        )
        .order_by("version")
        .values("version", "change_description", "effective_date", "approved_by__username", "status")
    )


# Comparing versions -----------------------------------------------------------------------


@dataclass
class FieldDiff:
    label: str
    old: str
    new: str
    name: str = ""

    @property
    def changed(self):
        return self.old != self.new


@dataclass
class RowDiff:
    """One duty, KPI or training row across two versions: added, removed, changed or same."""

    kind: str
    old: dict | None
    new: dict | None
    changed_fields: list = field(default_factory=list)


def _rows(items, key, fields):
    """{(name, n-th occurrence): values}: rows match by name, and two rows of the same name in
    one version stay apart."""
    rows, seen = {}, {}
    for item in items:
        name = str(getattr(item, key)).strip()
        seen[name] = seen.get(name, 0) + 1
        rows[(name, seen[name])] = {f: getattr(item, f) for f in fields}
    return rows


def _diff_rows(old_items, new_items, key, fields):
    old, new = _rows(old_items, key, fields), _rows(new_items, key, fields)
    result = []
    for name, row in new.items():
        if name not in old:
            result.append(RowDiff("added", None, row))
        else:
            changed = [f for f in fields if old[name][f] != row[f]]
            result.append(RowDiff("changed" if changed else "same", old[name], row, changed))
    result += [RowDiff("removed", row, None) for name, row in old.items() if name not in new]
    return result


def _duty_rows(jd):
    rows = []
    for duty in jd.duties.all():
        tasks = "\n".join(" / ".join(filter(None, (t.who, t.what, t.how, t.when, t.result))) for t in duty.tasks.all())
        duty.tasks_text = tasks
        rows.append(duty)
    return rows


def compare(old: JobDescription, new: JobDescription):
    """Two versions side by side: every text field, and duties, KPIs and training matched by
    their name (added / removed / changed highlighted)."""
    from .services import JD_TEXT_FIELDS

    fields = [
        FieldDiff(str(JobDescription._meta.get_field(name).verbose_name), getattr(old, name), getattr(new, name), name)
        for name in JD_TEXT_FIELDS
    ]
    return {
        "fields": fields,
        "duties": _diff_rows(
            _duty_rows(old), _duty_rows(new), "title", ["title", "description", "time_share", "tasks_text"]
        ),
        "kpis": _diff_rows(
            old.kpis.all(), new.kpis.all(), "name", ["name", "formula", "target", "frequency", "weight", "data_source"]
        ),
        "training": _diff_rows(
            old.required_training.all(),
            new.required_training.all(),
            "name",
            ["name", "before_taking_up", "validity_months"],
        ),
    }


def has_changes(diff) -> bool:
    """Whether the content differs (the description of the change always does)."""
    return any(f.changed for f in diff["fields"] if f.name != "change_description") or any(
        r.kind != "same" for key in ("duties", "kpis", "training") for r in diff[key]
    )


# My job description -----------------------------------------------------------------------


@dataclass
class MyJobDescription:
    assignment: Assignment
    jd: JobDescription | None
    acknowledged: Acknowledgement | None
    last_acknowledged: JobDescription | None
    diff: dict | None


def my_job_descriptions(user) -> list[MyJobDescription]:
    """The effective JD of each of the user's current posts, whether they acknowledged it, and
    what changed since the version they last acknowledged."""
    employee = getattr(user, "employee", None)
    if employee is None:
        return []
    assignments = list(Assignment.objects.current().filter(employee=employee).select_related("post__department"))
    jds = {
        jd.post_id: jd
        for jd in with_content(
            JobDescription.objects.filter(post_id__in=[a.post_id for a in assignments], status=DocumentStatus.EFFECTIVE)
        )
    }
    acks = {}
    for ack in (
        Acknowledgement.objects.filter(employee=employee, job_description__post_id__in=[a.post_id for a in assignments])
        .select_related("job_description")
        .order_by("job_description__version")
    ):
        acks.setdefault(ack.job_description.post_id, []).append(ack)
    result = []
    for a in assignments:
        jd = jds.get(a.post_id)
        post_acks = acks.get(a.post_id, [])
        this = next((x for x in post_acks if jd and x.job_description_id == jd.pk), None)
        earlier = [x for x in post_acks if jd and x.job_description.version < jd.version]
        last = (
            with_content(JobDescription.objects.filter(pk=earlier[-1].job_description_id)).first() if earlier else None
        )
        diff = compare(last, jd) if (jd and last and not this) else None
        result.append(MyJobDescription(a, jd, this, last, diff))
    return result


@dataclass
class AckRow:
    employee: object
    post: Post
    jd: JobDescription | None
    acknowledgement: Acknowledgement | None


def acknowledgement_status(department_ids=None) -> list[AckRow]:
    """For every current holder in the departments: the effective JD of the post and whether
    they acknowledged it. Four queries, whatever the size."""
    assignments = Assignment.objects.current().select_related("employee__user", "post__department")
    if department_ids is not None:
        assignments = assignments.filter(post__department_id__in=department_ids)
    assignments = list(assignments.order_by("post__department__sort_order", "post__sort_order", "employee__number"))
    jds = {
        jd.post_id: jd
        for jd in JobDescription.objects.filter(
            post_id__in={a.post_id for a in assignments}, status=DocumentStatus.EFFECTIVE
        )
    }
    acks = {
        (ack.job_description_id, ack.employee_id): ack
        for ack in Acknowledgement.objects.filter(job_description__in=list(jds.values())).select_related("recorded_by")
    }
    rows = []
    for a in assignments:
        jd = jds.get(a.post_id)
        rows.append(AckRow(a.employee, a.post, jd, acks.get((jd.pk, a.employee_id)) if jd else None))
    return rows


# Lists ------------------------------------------------------------------------------------


@dataclass
class PostDocuments:
    post: Post
    effective: JobDescription | None = None
    working: JobDescription | None = None
    can_edit: bool = False


def jd_register(user, department_ids=None) -> list[PostDocuments]:
    """Every current post the user may see with its effective and in-preparation versions.

    Edit rights come from the org chart (one computation) and from guardian grants read
    through one ObjectPermissionChecker with prefetched permissions: no query per row.
    """
    posts = (
        Post.objects.valid_on().select_related("department").order_by("department__sort_order", "sort_order", "code")
    )
    if department_ids is not None:
        posts = posts.filter(department_id__in=department_ids)
    posts = list(posts)
    rows = {p.pk: PostDocuments(post=p) for p in posts}
    for jd in JobDescription.objects.filter(post_id__in=rows).exclude(
        status__in=[DocumentStatus.SUPERSEDED, DocumentStatus.OBSOLETE]
    ):
        row = rows[jd.post_id]
        if jd.status == DocumentStatus.EFFECTIVE:
            row.effective = jd
        else:
            row.working = jd
    editable = permissions.jd_editable_department_ids(user)
    checker = ObjectPermissionChecker(user)
    checker.prefetch_perms(posts)
    readable_all = permissions.reads_all_documents(user)
    around = permissions.posts_around_user(user)
    result = []
    for row in rows.values():
        p = row.post
        row.can_edit = editable is None or p.department_id in editable or checker.has_perm("edit_job_description", p)
        if not (row.can_edit or readable_all or p.pk in around):
            continue
        if not row.can_edit and row.working and not readable_all:
            row.working = None
        result.append(row)
    return result


def effective_charter(department) -> DepartmentCharter | None:
    return (
        DepartmentCharter.objects.filter(department=department, status=DocumentStatus.EFFECTIVE)
        .prefetch_related("responsibilities", "kpis")
        .first()
    )


def charter_versions(department):
    return list(DepartmentCharter.objects.filter(department=department).order_by("-version"))


def departments_without_charter():
    with_charter = DepartmentCharter.objects.filter(status=DocumentStatus.EFFECTIVE).values("department_id")
    return list(Department.objects.valid_on(today()).exclude(pk__in=with_charter))


# The inbox --------------------------------------------------------------------------------


def inbox(user) -> dict:
    """What the home page lists for ``user`` from this module: versions to acknowledge,
    versions waiting for their approval, and their own drafts."""
    to_acknowledge = [m for m in my_job_descriptions(user) if m.jd and not m.acknowledged]
    in_review = JobDescription.objects.filter(status=DocumentStatus.IN_REVIEW).select_related("post__department")
    awaiting = [jd for jd in in_review if permissions.can_approve_jd(user, jd)]
    drafts = list(
        JobDescription.objects.filter(prepared_by=user, status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW])
        .select_related("post")
        .order_by("post__code")
    )
    return {"to_acknowledge": to_acknowledge, "awaiting_approval": awaiting, "my_drafts": drafts}
