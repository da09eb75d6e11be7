"""“My job description” and its acknowledgements.

``/me/`` shows each user the effective job description of every post they hold, what changed
since the version they last acknowledged, and the button to acknowledge. HR and department
heads follow who has read the effective version, remind the missing ones by e-mail, and HR
records acknowledgements signed on paper by staff without a login.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from org.models import Assignment, Department
from org.permissions import RoleRequiredMixin, department_tree, editable_department_ids, with_descendants
from org.views import ServiceFormView

from .. import permissions, selectors, services
from ..ack_forms import PaperAcknowledgementForm
from ..choices import AcknowledgementMethod
from ..models import Acknowledgement, Duty, JobDescription, Kpi, RequiredTraining
from ..services import send_acknowledgement_reminders

#: The rows of ``selectors.compare``: their model and the field that names them.
DIFF_ROWS = {"duties": (Duty, "title"), "kpis": (Kpi, "name"), "training": (RequiredTraining, "name")}


def _show(model, name, value):
    if value is None or value == "":
        return "—"
    if name == "tasks_text":
        return value
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _label(model, name):
    return _("tasks") if name == "tasks_text" else str(model._meta.get_field(name).verbose_name)


@dataclass
class Change:
    """One line of “what changed”: a text section, or a duty, KPI or training row that was
    added, removed or changed, with (label, value) pairs for the old and the new side."""

    kind: str
    section: str
    name: str = ""
    old: list = field(default_factory=list)
    new: list = field(default_factory=list)


def _values(model, row, names, *, keep_empty):
    return [(_label(model, n), _show(model, n, row[n])) for n in names if keep_empty or row[n] not in (None, "")]


def _changes(diff) -> list[Change]:
    """Only what differs between two versions: the text sections that changed, and the
    duties, KPIs and training that were added, removed or changed."""
    if diff is None:
        return []
    # Shown on its own above the changes: it differs between any two versions. The diff names
    # fields by their label in the active language, so the label is looked up now.
    change_description = str(JobDescription._meta.get_field("change_description").verbose_name)
    result = [
        Change("changed", f.label, old=[("", f.old or "—")], new=[("", f.new or "—")])
        for f in diff["fields"]
        if f.changed and f.label != change_description
    ]
    for key, (model, name_field) in DIFF_ROWS.items():
        section = str(model._meta.verbose_name)
        for row in diff[key]:
            if row.kind == "same":
                continue
            changed = row.kind == "changed"
            shown = [n for n in (row.changed_fields if changed else (row.new or row.old)) if n != name_field]
            result.append(
                Change(
                    row.kind,
                    section,
                    (row.new or row.old)[name_field],
                    old=_values(model, row.old, shown, keep_empty=changed) if row.old else [],
                    new=_values(model, row.new, shown, keep_empty=changed) if row.new else [],
                )
            )
    return result


class MyJobDescriptionView(TemplateView):
    """/me/: the effective job description of each of the user's current posts."""

    template_name = "responsibilities/me.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        items = selectors.my_job_descriptions(user)
        for item in items:
            item.changes = _changes(item.diff)
        scope = editable_department_ids(user)
        return super().get_context_data(
            employee=getattr(user, "employee", None),
            items=items,
            can_see_status=scope is None or bool(scope),
            **kwargs,
        )


class AcknowledgeView(View):
    """POST: “I have read this version”, by the employee who holds the post."""

    http_method_names = ["post"]

    def post(self, request, pk):
        jd = get_object_or_404(JobDescription.objects.select_related("post__department"), pk=pk)
        if not permissions.can_view_jd(request.user, jd):
            raise Http404
        employee = getattr(request.user, "employee", None)
        # Only the holders of the post acknowledge its job description, not its readers.
        if employee is None or not Assignment.objects.current().filter(employee=employee, post_id=jd.post_id).exists():
            raise PermissionDenied
        try:
            services.jd_acknowledge(actor=request.user, jd=jd, employee=employee, method=AcknowledgementMethod.ONLINE)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Thank you. You acknowledged %(post)s %(version)s.")
                % {"post": jd.post.title, "version": jd.version_label},
            )
        return redirect("my_jd")


# Acknowledgement status ------------------------------------------------------------------


@dataclass
class DepartmentStatus:
    """The acknowledgement rows of one department with their counts."""

    department: Department
    rows: list = field(default_factory=list)

    @property
    def due(self):
        return sum(1 for r in self.rows if r.jd is not None)

    @property
    def acknowledged(self):
        return sum(1 for r in self.rows if r.acknowledgement is not None)

    @property
    def missing(self):
        return self.due - self.acknowledged

    @property
    def percent(self):
        return round(100 * self.acknowledged / self.due) if self.due else None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AcknowledgementScopeMixin(RoleRequiredMixin):
    """HR and administrators see every department, department heads their branch."""

    def test_permission(self, user):
        ids = editable_department_ids(user)
        return ids is None or bool(ids)

    def scope(self, department_pk):
        """(department ids to show or None for all, the chosen department or None)."""
        allowed = editable_department_ids(self.request.user)
        pk = _int(department_pk)
        if pk is None:
            return allowed, None
        department = get_object_or_404(Department, pk=pk)
        if allowed is not None and department.pk not in allowed:
            raise PermissionDenied
        return with_descendants([department.pk], department_tree()), department


class AcknowledgementStatusView(AcknowledgementScopeMixin, TemplateView):
    """/responsibilities/acknowledgements/: who has read the effective version of their JD."""

    template_name = "responsibilities/ack_status.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        department_ids, department = self.scope(self.request.GET.get("department"))
        rows = selectors.acknowledgement_status(department_ids)
        recorders = get_user_model().objects.in_bulk(
            {r.acknowledgement.recorded_by_id for r in rows if r.acknowledgement}
        )
        groups = {}
        for row in rows:
            if row.acknowledgement is not None:
                row.recorder = recorders.get(row.acknowledgement.recorded_by_id)
            groups.setdefault(row.post.department_id, DepartmentStatus(row.post.department)).rows.append(row)
        allowed = editable_department_ids(user)
        choices = Department.objects.valid_on().order_by("sort_order", "code")
        if allowed is not None:
            choices = choices.filter(pk__in=allowed)
        total = DepartmentStatus(department, rows)
        return super().get_context_data(
            groups=list(groups.values()),
            total=total,
            department=department,
            departments=choices,
            can_record_paper=permissions.manages_all_documents(user),
            **kwargs,
        )


class AcknowledgementRemindView(AcknowledgementScopeMixin, View):
    """POST: e-mail everyone in the scope who has not acknowledged the effective version."""

    http_method_names = ["post"]

    def post(self, request):
        department_ids, department = self.scope(request.POST.get("department"))
        rows = selectors.acknowledgement_status(department_ids)
        sent, without = send_acknowledgement_reminders(rows, link=request.build_absolute_uri(reverse("my_jd")))
        messages.success(
            request,
            _("%(sent)d reminders sent, %(without)d without e-mail.") % {"sent": sent, "without": without},
        )
        url = reverse("responsibilities:ack_status")
        return redirect(f"{url}?department={department.pk}" if department else url)


class PaperAcknowledgementView(RoleRequiredMixin, ServiceFormView):
    """HR records the acknowledgement an employee signed on a printed job description."""

    form_class = PaperAcknowledgementForm
    template_name = "responsibilities/ack_paper.html"

    def test_permission(self, user):
        return permissions.manages_all_documents(user)

    def get_initial(self):
        return {"employee": _int(self.request.GET.get("employee"))}

    def get_context_data(self, **kwargs):
        recent = (
            Acknowledgement.objects.filter(method=AcknowledgementMethod.PAPER)
            .select_related("employee", "job_description__post", "recorded_by")
            .order_by("-recorded_at", "-pk")[:10]
        )
        return super().get_context_data(recent=recent, **kwargs)

    def perform(self, form):
        employee = form.cleaned_data["employee"]
        jd = form.cleaned_data["job_description"]
        self.success_message = _("Paper acknowledgement of %(name)s recorded.") % {"name": employee.name}
        return services.jd_acknowledge(
            actor=self.request.user,
            jd=jd,
            employee=employee,
            method=AcknowledgementMethod.PAPER,
            happened_at=form.cleaned_data["signed_at"],
        )

    def get_success_url(self, result=None):
        return reverse("responsibilities:ack_status") + f"?department={result.job_description.post.department_id}"
