"""CAPA pages: the list, opening one, the detail page with its step forms, evidence files and
the printable CAR report. 404 for a CAPA the user may not see, 403 for a step they may not take."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.history import ObjectHistoryView
from core.http import PDF, file_response
from org.permissions import RoleRequiredMixin

from .. import exports, forms, permissions, selectors, services
from ..choices import CAPA_FINISHED, ActionStatus, CapaSource, CapaStatus, CheckResult
from ..models import Capa, CapaAction
from .common import PAGE_SIZE, apply_error, querystring_without_page


def get_visible_capa(user, pk) -> Capa:
    return get_object_or_404(selectors.visible_capas(user).select_related("department", "owner", "created_by"), pk=pk)


class CapaListView(RoleRequiredMixin, TemplateView):
    template_name = "complaints/capa_list.html"

    def test_permission(self, user):
        return permissions.can_use_complaints(user) or permissions.can_open_capa(user)

    def get_context_data(self, **kwargs):
        get = self.request.GET
        status = get.get("status", "")
        if status not in ["", "open", *CapaStatus.values]:
            status = ""
        source = get.get("source", "")
        if source not in CapaSource.values:
            source = ""
        qs = selectors.capa_list(self.request.user, status=status, source=source, overdue=get.get("overdue") == "1")
        page = Paginator(qs, PAGE_SIZE).get_page(get.get("page"))
        return super().get_context_data(
            page=page,
            capas=page.object_list,
            filters={"status": status, "source": source, "overdue": get.get("overdue") == "1"},
            statuses=CapaStatus.choices,
            sources=CapaSource.choices,
            querystring=querystring_without_page(self.request),
            can_open=permissions.can_open_capa(self.request.user),
            **kwargs,
        )


class CapaCreateView(RoleRequiredMixin, TemplateView):
    template_name = "complaints/capa_form.html"

    def test_permission(self, user):
        return permissions.can_open_capa(user)

    def get(self, request):
        return self.render_to_response({"form": forms.CapaOpenForm()})

    def post(self, request):
        form = forms.CapaOpenForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                capa = services.capa_open(
                    actor=request.user,
                    source=d["source"],
                    title=d["title"],
                    problem_statement=d["problem_statement"],
                    department=d["department"],
                    owner=d["owner"],
                    happened_at=d["happened_at"],
                )
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("CAPA %(number)s opened.") % {"number": capa.number})
                return redirect(capa)
        return self.render_to_response({"form": form})


def capa_context(request, capa, bound=None):
    user = request.user
    can_change = permissions.can_change_capa(user, capa) and capa.status not in CAPA_FINISHED

    def form(name, cls):
        return bound[1] if bound and bound[0] == name else cls(prefix=name)

    actions = list(capa.actions.select_related("owner", "completed_by"))
    checks = list(capa.checks.select_related("assignee", "verified_by", "planned_by"))
    open_actions = [a for a in actions if a.status == ActionStatus.OPEN]
    pending = next((c for c in checks if c.result == CheckResult.PENDING), None)
    return {
        "capa": capa,
        "actions": actions,
        "checks": checks,
        "events": capa.events.select_related("actor"),
        "complaints": selectors.visible_complaints(user).filter(capas=capa).select_related("customer"),
        "trainings": capa.trainings.select_related("department"),
        "origin": capa.origin if capa.origin_content_type_id else None,
        "today": timezone.localdate(),
        "can": {
            "root_cause": can_change and capa.status == CapaStatus.OPEN,
            "add_action": can_change and capa.status in (CapaStatus.OPEN, CapaStatus.IMPLEMENTING),
            "plan_check": can_change and capa.status == CapaStatus.IMPLEMENTING,
            "record_check": pending is not None and permissions.is_quality(user),
            "close": capa.status == CapaStatus.VERIFIED and permissions.is_quality_manager(user),
            "void": capa.status not in CAPA_FINISHED and permissions.is_quality_manager(user),
            "training": can_change,
            "complete": {a.pk for a in open_actions if a.owner_id == user.pk or permissions.is_quality(user)}
            if capa.status not in CAPA_FINISHED
            else set(),
            "cancel": permissions.is_quality(user) and capa.status not in CAPA_FINISHED,
        },
        "pending_check": pending,
        "forms": {
            "root_cause": form("root_cause", forms.RootCauseCapaForm),
            "add_action": form("add_action", forms.ActionForm),
            "plan_check": form("plan_check", forms.PlanCheckForm),
            "record_check": form("record_check", forms.RecordCheckForm),
            "close": form("close", forms.CommentForm),
            "void": form("void", forms.VoidForm),
            "training": form("training", forms.TrainingForm),
            "complete": form("complete", forms.CompleteActionForm),
            "cancel": form("cancel", forms.VoidForm),
        },
        "bound_action": bound[2] if bound and len(bound) > 2 else None,
    }


class CapaDetailView(TemplateView):
    template_name = "complaints/capa_detail.html"

    def get_context_data(self, **kwargs):
        capa = get_visible_capa(self.request.user, self.kwargs["pk"])
        return super().get_context_data(**capa_context(self.request, capa), **kwargs)


def _action_of(capa, request):
    pk = request.POST.get("action_id", "")
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(CapaAction, pk=pk, capa=capa)


#: step → (form class, may(user, capa, context can), call(actor, capa, data, request)).
CAPA_STEPS = {
    "root_cause": (
        forms.RootCauseCapaForm,
        lambda a, c, d, r: services.capa_record_root_cause(
            actor=a, capa=c, root_cause=d["root_cause"], categories=d["categories"], happened_at=d["happened_at"]
        ),
    ),
    "add_action": (
        forms.ActionForm,
        lambda a, c, d, r: services.capa_add_action(
            actor=a, capa=c, kind=d["kind"], description=d["description"], owner=d["owner"], due_date=d["due_date"]
        ),
    ),
    "complete": (
        forms.CompleteActionForm,
        lambda a, c, d, r: services.capa_complete_action(
            actor=a,
            action=_action_of(c, r),
            evidence=d["evidence"],
            evidence_file=d["evidence_file"],
            happened_at=d["happened_at"],
        ),
    ),
    "cancel": (
        forms.VoidForm,
        lambda a, c, d, r: services.capa_cancel_action(
            actor=a, action=_action_of(c, r), reason=d["reason"], happened_at=d["happened_at"]
        ),
    ),
    "plan_check": (
        forms.PlanCheckForm,
        lambda a, c, d, r: services.capa_plan_check(
            actor=a, capa=c, method=d["method"], due_date=d["due_date"], assignee=d["assignee"]
        ),
    ),
    "record_check": (
        forms.RecordCheckForm,
        lambda a, c, d, r: services.capa_record_check(
            actor=a,
            check=c.checks.get(result=CheckResult.PENDING),
            passed=d["passed"],
            note=d["note"],
            happened_at=d["happened_at"],
        ),
    ),
    "close": (
        forms.CommentForm,
        lambda a, c, d, r: services.capa_close(actor=a, capa=c, comment=d["comment"], happened_at=d["happened_at"]),
    ),
    "void": (
        forms.VoidForm,
        lambda a, c, d, r: services.capa_void(actor=a, capa=c, reason=d["reason"], happened_at=d["happened_at"]),
    ),
    "training": (
        forms.TrainingForm,
        lambda a, c, d, r: services.capa_record_training(
            actor=a, capa=c, department=d["department"], topic=d["topic"], due_date=d["due_date"], note=d["note"]
        ),
    ),
}


class CapaStepView(View):
    http_method_names = ["post"]

    def post(self, request, pk, step):
        capa = get_visible_capa(request.user, pk)
        if step not in CAPA_STEPS:
            raise Http404
        allowed = capa_context(request, capa)["can"]
        if step in ("complete",):
            action = _action_of(capa, request)
            if action.pk not in allowed["complete"]:
                raise PermissionDenied
        elif not allowed.get(step):
            raise PermissionDenied
        form_class, call = CAPA_STEPS[step]
        form = form_class(request.POST, request.FILES, prefix=step)
        if form.is_valid():
            try:
                call(request.user, capa, form.cleaned_data, request)
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(capa)
        capa.refresh_from_db()
        context = capa_context(request, capa, bound=(step, form, request.POST.get("action_id")))
        return render(request, "complaints/capa_detail.html", context, status=400)


class EvidenceDownloadView(View):
    def get(self, request, pk):
        action = get_object_or_404(CapaAction.objects.filter(capa__in=selectors.visible_capas(request.user)), pk=pk)
        if not action.evidence_file:
            raise Http404
        with action.evidence_file.open("rb") as handle:
            content = handle.read()
        return file_response(
            content,
            content_type=action.evidence_content_type or "application/octet-stream",
            filename=action.evidence_name,
        )


class CapaPdfView(View):
    """The printable CAR report (改善行动报告)."""

    def get(self, request, pk):
        capa = get_visible_capa(request.user, pk)
        return file_response(
            exports.capa_pdf(capa), content_type=PDF, filename=f"{capa.number}.pdf", as_attachment=False
        )


class CapaHistoryView(ObjectHistoryView):
    model = Capa

    def get_queryset(self):
        return selectors.visible_capas(self.request.user)
