"""Complaint pages: the list, registration, the detail page with its step forms, files and the
printed record. Every page asks ``selectors.visible_complaints``: a complaint the user may not
see is a 404; a step the user may not take is a 403; the services check role and state again."""

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
from ..choices import CapaSource, ComplaintStatus, Severity
from ..models import Complaint, ComplaintAttachment
from .common import PAGE_SIZE, apply_error, querystring_without_page

#: action name → (form class, call(actor, complaint, cleaned_data)).
STEP_FORMS = {
    "hand_over": (
        forms.HandOverForm,
        lambda a, c, d: services.complaint_hand_over(
            actor=a, complaint=c, quality_owner=d["quality_owner"], comment=d["comment"], happened_at=d["happened_at"]
        ),
    ),
    "validity": (
        forms.ValidityForm,
        lambda a, c, d: services.complaint_decide_validity(
            actor=a,
            complaint=c,
            valid=d["valid"],
            reasoning=d["reasoning"],
            responsible_departments=d["responsible_departments"] or None,
            happened_at=d["happened_at"],
        ),
    ),
    "confirm_not_valid": (
        forms.ConfirmNotValidForm,
        lambda a, c, d: services.complaint_confirm_not_valid(
            actor=a, complaint=c, confirmation=d["confirmation"], comment=d["comment"], happened_at=d["happened_at"]
        ),
    ),
    "contain": (
        forms.ContainmentForm,
        lambda a, c, d: services.complaint_contain(
            actor=a,
            complaint=c,
            stock=d["stock"],
            wip=d["wip"],
            shipped=d["shipped"],
            stop_line_notice=d["stop_line_notice"],
            disposition=d["disposition"],
            comment=d["comment"],
            happened_at=d["happened_at"],
        ),
    ),
    "root_cause": (
        forms.RootCauseForm,
        lambda a, c, d: services.complaint_record_root_cause(
            actor=a,
            complaint=c,
            whys=[d[f"why_{i}"] for i in range(1, 6)],
            categories=d["cause_categories"],
            root_cause=d["root_cause"],
            happened_at=d["happened_at"],
        ),
    ),
    "open_capa": (
        forms.ComplaintCapaForm,
        lambda a, c, d: services.complaint_open_capa(
            actor=a,
            complaint=c,
            title=d["title"],
            problem_statement=d["problem_statement"],
            department=d["department"],
            owner=d["owner"],
            happened_at=d["happened_at"],
        ),
    ),
    "link_capa": (
        forms.LinkCapaForm,
        lambda a, c, d: services.complaint_link_capa(
            actor=a, complaint=c, capa=d["capa"], comment=d["comment"], happened_at=d["happened_at"]
        ),
    ),
    "no_capa": (
        forms.NoCapaForm,
        lambda a, c, d: services.complaint_propose_no_capa(
            actor=a, complaint=c, reasoning=d["reasoning"], happened_at=d["happened_at"]
        ),
    ),
    "decide_no_capa": (
        forms.DecisionForm,
        lambda a, c, d: services.complaint_decide_no_capa(
            actor=a, complaint=c, approve=d["decision"] == "approve", comment=d["comment"], happened_at=d["happened_at"]
        ),
    ),
    "reply": (
        forms.ReplyForm,
        lambda a, c, d: services.complaint_submit_reply(
            actor=a, complaint=c, text=d["text"], happened_at=d["happened_at"]
        ),
    ),
    "decide_reply": (
        forms.DecisionForm,
        lambda a, c, d: services.complaint_decide_reply(
            actor=a, complaint=c, approve=d["decision"] == "approve", comment=d["comment"], happened_at=d["happened_at"]
        ),
    ),
    "send_reply": (
        forms.CommentForm,
        lambda a, c, d: services.complaint_send_reply(
            actor=a, complaint=c, comment=d["comment"], happened_at=d["happened_at"]
        ),
    ),
    "implement": (
        forms.ImplementationForm,
        lambda a, c, d: services.complaint_record_implementation(
            actor=a, complaint=c, summary=d["summary"], happened_at=d["happened_at"]
        ),
    ),
    "verify": (
        forms.VerifyForm,
        lambda a, c, d: services.complaint_verify(
            actor=a, complaint=c, effective=d["effective"], result=d["result"], happened_at=d["happened_at"]
        ),
    ),
    "training": (
        forms.TrainingStepForm,
        lambda a, c, d: services.complaint_record_training(
            actor=a,
            complaint=c,
            department=d["department"],
            topic=d["topic"],
            due_date=d["due_date"],
            note=d["note"],
            happened_at=d["happened_at"],
        ),
    ),
    "close": (
        forms.DecisionForm,
        lambda a, c, d: services.complaint_close(
            actor=a, complaint=c, approve=d["decision"] == "approve", comment=d["comment"], happened_at=d["happened_at"]
        ),
    ),
    "follow_up": (
        forms.FollowUpForm,
        lambda a, c, d: services.complaint_follow_up(
            actor=a, complaint=c, outcome=d["outcome"], note=d["note"], happened_at=d["happened_at"]
        ),
    ),
}

#: Headings of the step forms.
STEP_TITLES = {
    "hand_over": _("Hand over to quality"),
    "validity": _("Initial analysis: valid or not"),
    "confirm_not_valid": _("Close with the customer's written confirmation"),
    "contain": _("Containment"),
    "root_cause": _("Root-cause analysis (5 why)"),
    "open_capa": _("Open a CAPA"),
    "link_capa": _("Link an existing CAPA"),
    "no_capa": _("Propose: no CAPA needed"),
    "decide_no_capa": _("Approve the no-CAPA decision"),
    "reply": _("Draft the reply to the customer"),
    "decide_reply": _("Approve the reply"),
    "send_reply": _("Record that the reply was sent"),
    "implement": _("Implementation"),
    "verify": _("Verification of effectiveness"),
    "training": _("Training of the responsible department"),
    "close": _("Close the complaint"),
    "follow_up": _("Follow-up call"),
}


def get_visible_complaint(user, pk) -> Complaint:
    return get_object_or_404(
        selectors.visible_complaints(user).select_related(
            "customer", "customer_contact", "registered_by", "quality_owner", "registering_department"
        ),
        pk=pk,
    )


class ComplaintListView(RoleRequiredMixin, TemplateView):
    """``/complaints/``: filter by state, customer, severity, overdue; constant query count."""

    template_name = "complaints/complaint_list.html"

    def test_permission(self, user):
        return permissions.can_use_complaints(user)

    def get_context_data(self, **kwargs):
        get = self.request.GET
        filters = {
            "status": get.get("status", ""),
            "customer": get.get("customer", ""),
            "severity": get.get("severity", ""),
            "overdue": get.get("overdue") == "1",
            "query": get.get("q", "").strip(),
        }
        if filters["status"] not in ["", "open", *ComplaintStatus.values]:
            filters["status"] = ""
        if filters["severity"] not in Severity.values:
            filters["severity"] = ""
        if not filters["customer"].isdigit():
            filters["customer"] = ""
        qs = selectors.complaint_list(self.request.user, **filters)
        page = Paginator(qs, PAGE_SIZE).get_page(get.get("page"))
        return super().get_context_data(
            page=page,
            complaints=page.object_list,
            filters=filters,
            statuses=ComplaintStatus.choices,
            severities=Severity.choices,
            customers=selectors.visible_customers(self.request.user).only("pk", "code", "name"),
            querystring=querystring_without_page(self.request),
            can_register=permissions.can_register_complaint(self.request.user),
            now=timezone.now(),
            **kwargs,
        )


class ComplaintCreateView(RoleRequiredMixin, TemplateView):
    template_name = "complaints/complaint_form.html"

    def test_permission(self, user):
        return permissions.can_register_complaint(user)

    def get(self, request):
        initial = {}
        if request.GET.get("customer", "").isdigit():
            initial["customer"] = request.GET["customer"]
        return self.render_to_response({"form": forms.ComplaintForm(initial=initial)})

    def post(self, request):
        form = forms.ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                fields = form.service_fields()
                received_at = fields.pop("received_at")
                complaint = services.complaint_register(actor=request.user, received_at=received_at, **fields)
                if form.cleaned_data.get("photo"):
                    services.complaint_attach(
                        actor=request.user, complaint=complaint, uploaded=form.cleaned_data["photo"]
                    )
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Complaint %(number)s registered.") % {"number": complaint.number})
                return redirect(complaint)
        return self.render_to_response({"form": form})


class ComplaintEditView(TemplateView):
    template_name = "complaints/complaint_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.complaint = get_visible_complaint(request.user, kwargs["pk"])
        c = self.complaint
        if c.is_finished or not (
            permissions.is_quality(request.user)
            or (c.status == ComplaintStatus.REGISTERED and c.registered_by_id == request.user.pk)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        form = forms.ComplaintForm(instance=self.complaint, editing=True)
        return self.render_to_response({"form": form, "complaint": self.complaint})

    def post(self, request, pk):
        original = Complaint.objects.get(pk=pk)
        form = forms.ComplaintForm(request.POST, instance=original, editing=True)
        if form.is_valid():
            try:
                services.complaint_update_details(actor=request.user, complaint=self.complaint, **form.service_fields())
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect(self.complaint)
        return self.render_to_response({"form": form, "complaint": self.complaint})


def _due_first(step):
    return (step.due_at is None, step.due_at or step.opened_at, step.pk)


def detail_context(request, complaint, bound=None):
    """Everything the detail page shows; ``bound`` = (action name, bound form) after an error."""
    user = request.user
    steps = list(complaint.steps.select_related("assignee", "completed_by").order_by("opened_at", "pk"))
    # In the parallel phase containment and the reply are both open, each with its deadline.
    open_steps = sorted((s for s in steps if s.completed_at is None), key=_due_first)
    open_step = open_steps[0] if open_steps else None
    allowed = services.allowed_actions(user, complaint, open_steps)
    step_forms = []
    for name in allowed:
        form_class = STEP_FORMS[name][0]
        form = bound[1] if bound and bound[0] == name else form_class(prefix=name)
        step_forms.append({"name": name, "title": STEP_TITLES[name], "form": form})
    now = timezone.now()
    return {
        "complaint": complaint,
        "steps": steps,
        "open_step": open_step,
        "open_steps": open_steps,
        "events": complaint.events.select_related("actor").order_by("at", "pk"),
        "attachments": complaint.attachments.select_related("uploaded_by"),
        "capas": complaint.capas.select_related("owner"),
        "responsible": complaint.responsible_departments.all(),
        "trainings": complaint.trainings.select_related("department"),
        "follow_ups": complaint.follow_ups.select_related("called_by"),
        "step_forms": step_forms,
        "attach_form": bound[1] if bound and bound[0] == "attach" else forms.AttachmentForm(prefix="attach"),
        "void_form": bound[1] if bound and bound[0] == "void" else forms.VoidForm(prefix="void"),
        "assign_form": forms.AssignStepForm(
            prefix="assign",
            initial={"assignee": open_step.assignee_id if open_step else None},
            open_steps=open_steps,
        ),
        "can_attach": complaint.status != ComplaintStatus.VOID
        and (permissions.is_quality(user) or permissions.is_sales(user) or complaint.registered_by_id == user.pk),
        "can_void": not complaint.is_finished and permissions.can_void_complaint(user, complaint),
        "can_assign": open_step is not None and permissions.is_quality(user),
        "can_edit": not complaint.is_finished
        and (
            permissions.is_quality(user)
            or (complaint.status == ComplaintStatus.REGISTERED and complaint.registered_by_id == user.pk)
        ),
        "now": now,
        "capa_source": CapaSource.COMPLAINT,
    }


class ComplaintDetailView(TemplateView):
    template_name = "complaints/complaint_detail.html"

    def get_context_data(self, **kwargs):
        complaint = get_visible_complaint(self.request.user, self.kwargs["pk"])
        return super().get_context_data(**detail_context(self.request, complaint), **kwargs)


class ComplaintStepView(View):
    """POST ``/complaints/<pk>/step/<action>/``: one step form → one service call."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        complaint = get_visible_complaint(request.user, pk)
        if action not in STEP_FORMS:
            raise Http404
        if action not in services.allowed_actions(request.user, complaint):
            raise PermissionDenied
        form_class, call = STEP_FORMS[action]
        form = form_class(request.POST, request.FILES, prefix=action)
        if form.is_valid():
            try:
                call(request.user, complaint, form.cleaned_data)
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("%(step)s recorded.") % {"step": STEP_TITLES[action]})
                return redirect(complaint)
        complaint.refresh_from_db()
        context = detail_context(request, complaint, bound=(action, form))
        return render(request, "complaints/complaint_detail.html", context, status=400)


class ComplaintAttachView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        complaint = get_visible_complaint(request.user, pk)
        form = forms.AttachmentForm(request.POST, request.FILES, prefix="attach")
        if form.is_valid():
            try:
                services.complaint_attach(
                    actor=request.user,
                    complaint=complaint,
                    uploaded=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                )
            except services.DomainError as error:
                raise PermissionDenied(error.messages[0]) from error
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("File attached."))
                return redirect(complaint)
        return render(
            request,
            "complaints/complaint_detail.html",
            detail_context(request, complaint, bound=("attach", form)),
            status=400,
        )


class ComplaintVoidView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        complaint = get_visible_complaint(request.user, pk)
        if complaint.is_finished or not permissions.can_void_complaint(request.user, complaint):
            raise PermissionDenied
        form = forms.VoidForm(request.POST, prefix="void")
        if form.is_valid():
            try:
                services.complaint_void(
                    actor=request.user,
                    complaint=complaint,
                    reason=form.cleaned_data["reason"],
                    happened_at=form.cleaned_data["happened_at"],
                )
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("The complaint is void."))
                return redirect(complaint)
        return render(
            request,
            "complaints/complaint_detail.html",
            detail_context(request, complaint, bound=("void", form)),
            status=400,
        )


class ComplaintAssignView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        complaint = get_visible_complaint(request.user, pk)
        if not permissions.is_quality(request.user):
            raise PermissionDenied
        open_steps = list(complaint.steps.filter(completed_at__isnull=True))
        form = forms.AssignStepForm(request.POST, prefix="assign", open_steps=open_steps)
        if form.is_valid():
            try:
                services.complaint_assign_step(
                    actor=request.user,
                    complaint=complaint,
                    assignee=form.cleaned_data["assignee"],
                    make_owner=form.cleaned_data["make_owner"],
                    kind=form.cleaned_data.get("kind") or None,
                )
            except ValidationError as error:
                apply_error(None, error, request)
            else:
                messages.success(request, _("Step reassigned."))
        else:
            messages.error(request, _("Choose who takes over the step."))
        return redirect(complaint)


class AttachmentDownloadView(View):
    """A complaint's file, for those who see the complaint, always as a download."""

    def get(self, request, pk):
        attachment = get_object_or_404(
            ComplaintAttachment.objects.filter(complaint__in=selectors.visible_complaints(request.user)), pk=pk
        )
        with attachment.file.open("rb") as handle:
            content = handle.read()
        return file_response(content, content_type=attachment.content_type, filename=attachment.original_name)


class ComplaintPdfView(View):
    """The printable complaint record (客户投诉记录表)."""

    def get(self, request, pk):
        complaint = get_visible_complaint(request.user, pk)
        return file_response(
            exports.complaint_pdf(complaint),
            content_type=PDF,
            filename=f"{complaint.number}.pdf",
            as_attachment=False,
        )


class ComplaintHistoryView(ObjectHistoryView):
    model = Complaint

    def get_queryset(self):
        return selectors.visible_complaints(self.request.user)
