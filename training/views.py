"""Pages of the training module. Every view asks ``training.permissions`` on the server:
objects a user may not see are 404 (querysets are narrowed), actions they may not take 403."""

import mimetypes
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.history import ObjectHistoryView
from core.http import PDF, XLSX, file_response
from org.models import today
from org.permissions import RoleRequiredMixin
from org.views import ServiceFormView

from . import exports, permissions, selectors, services
from .choices import ATTENDED, AttendanceResult, CellStatus, EventStatus, NeedSource, NeedStatus, PlanStatus
from .forms import (
    CancelForm,
    CommentForm,
    CourseForm,
    EventForm,
    EvidenceForm,
    FeedbackForm,
    HappenedForm,
    InviteForm,
    MatrixFilterForm,
    NeedForm,
    PlanCreateForm,
    PlanItemForm,
    PublishForm,
    ReasonForm,
    RequiredCommentForm,
    ReviseForm,
)
from .models import Attendance, Course, PlanItem, Qualification, TrainingEvent, TrainingNeed, TrainingPlan


class HrRequiredMixin(RoleRequiredMixin):
    def test_permission(self, user):
        return permissions.manages_training(user)


class FormPage(ServiceFormView):
    template_name = "training/form.html"
    title = ""
    help = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, help=self.help, **kwargs)


class PostOnlyView(View):
    """A button that runs one service; the service's error comes back as a message."""

    http_method_names = ["post"]

    def perform(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            target = self.perform()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            target = self.fallback()
        return redirect(target)

    def fallback(self):
        raise NotImplementedError


# Home and KPIs ---------------------------------------------------------------------------


class HomeView(TemplateView):
    template_name = "training/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        sees_matrix = permissions.can_see_matrix(user)
        to_confirm, to_feedback = selectors.my_invitations(user)
        return super().get_context_data(
            kpis=selectors.kpis(user) if sees_matrix else None,
            sees_matrix=sees_matrix,
            manages=permissions.manages_training(user),
            can_submit_needs=permissions.can_submit_needs(user),
            approves=permissions.approves_plans(user),
            awaiting=selectors.plans_awaiting_approval() if permissions.approves_plans(user) else [],
            expiring=selectors.expiring_qualifications(user=user) if sees_matrix else [],
            to_confirm=to_confirm,
            to_feedback=to_feedback,
            own_employee=getattr(user, "employee", None),
            **kwargs,
        )


# Catalogue -------------------------------------------------------------------------------


class CourseListView(TemplateView):
    template_name = "training/course_list.html"

    def get_context_data(self, **kwargs):
        show_retired = self.request.GET.get("retired") == "1"
        courses = Course.objects.annotate(
            holders=Count("qualifications__employee", filter=Q(qualifications__voided=False), distinct=True)
        )
        if not show_retired:
            courses = courses.filter(is_active=True)
        from org.models import Post

        posts = list(Post.objects.valid_on().select_related("department"))
        reqs = selectors.post_requirements([p.pk for p in posts])
        unmatched = [(p, reqs.unmatched[p.pk]) for p in posts if reqs.unmatched.get(p.pk)]
        return super().get_context_data(
            courses=courses,
            show_retired=show_retired,
            unmatched=unmatched,
            manages=permissions.manages_training(self.request.user),
            **kwargs,
        )


class CourseDetailView(TemplateView):
    template_name = "training/course_detail.html"

    def get_context_data(self, **kwargs):
        course = get_object_or_404(Course, pk=self.kwargs["pk"])
        return super().get_context_data(
            course=course,
            aliases=[line for line in course.aliases.splitlines() if line.strip()],
            events=course.events.order_by("-date")[:20],
            manages=permissions.manages_training(self.request.user),
            **kwargs,
        )


class CourseCreateView(HrRequiredMixin, FormPage):
    form_class = CourseForm
    title = gettext_lazy("New course or qualification")

    def perform(self, form):
        self.success_message = _("Course added to the catalogue.")
        return services.course_create(actor=self.request.user, **form.cleaned_data)


class CourseUpdateView(HrRequiredMixin, FormPage):
    form_class = CourseForm

    def dispatch(self, request, *args, **kwargs):
        self.course = get_object_or_404(Course, pk=kwargs["pk"])
        self.title = _("Edit %(course)s") % {"course": self.course}
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": Course.objects.get(pk=self.course.pk)}

    def perform(self, form):
        self.success_message = _("Course saved.")
        return services.course_update(actor=self.request.user, course=self.course, **form.cleaned_data)


class CourseRetireView(HrRequiredMixin, FormPage):
    form_class = ReasonForm
    help = gettext_lazy("A retired course is no longer required or planned; its records stay.")

    def dispatch(self, request, *args, **kwargs):
        self.course = get_object_or_404(Course, pk=kwargs["pk"])
        self.title = _("Retire %(course)s") % {"course": self.course}
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        self.success_message = _("Course retired.")
        return services.course_retire(actor=self.request.user, course=self.course, reason=form.cleaned_data["reason"])


class CourseHistoryView(ObjectHistoryView):
    model = Course


# Needs -----------------------------------------------------------------------------------


class NeedListView(TemplateView):
    template_name = "training/need_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not (permissions.can_submit_needs(user) or permissions.reads_all_training(user)):
            raise PermissionDenied
        status = self.request.GET.get("status", NeedStatus.OPEN)
        source = self.request.GET.get("source", "")
        needs = selectors.visible_needs(user).prefetch_related("employees")
        if status in NeedStatus.values:
            needs = needs.filter(status=status)
        if source in NeedSource.values:
            needs = needs.filter(source=source)
        page = Paginator(needs, 50).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            page=page,
            status=status,
            source=source,
            statuses=NeedStatus.choices,
            sources=NeedSource.choices,
            querystring=query.urlencode(),
            can_submit=permissions.can_submit_needs(user),
            manages=permissions.manages_training(user),
            **kwargs,
        )


class NeedCreateView(RoleRequiredMixin, FormPage):
    form_class = NeedForm
    title = gettext_lazy("New training need")
    help = gettext_lazy("Department heads request training for their staff; HR collects the needs into the plan.")

    def test_permission(self, user):
        return permissions.can_submit_needs(user)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def perform(self, form):
        self.success_message = _("Training need recorded.")
        data = form.cleaned_data
        return services.need_create(
            actor=self.request.user,
            department=data["department"],
            course=data["course"],
            topic=data["topic"],
            reason=data["reason"],
            post=data["post"],
            employees=list(data["employees"]),
            due_date=data["due_date"],
            source=NeedSource.DEPARTMENT,
        )


class NeedDetailView(TemplateView):
    template_name = "training/need_detail.html"

    def get_context_data(self, **kwargs):
        need = get_object_or_404(selectors.visible_needs(self.request.user), pk=self.kwargs["pk"])
        return super().get_context_data(
            need=need,
            source_url=_source_url(need),
            manages=permissions.manages_training(self.request.user),
            **kwargs,
        )


def _source_url(need):
    obj = need.source_object if need.source_type_id else None
    return getattr(obj, "get_absolute_url", lambda: "")() if obj is not None else ""


class NeedCloseView(HrRequiredMixin, FormPage):
    form_class = ReasonForm

    def dispatch(self, request, *args, **kwargs):
        self.need = get_object_or_404(TrainingNeed, pk=kwargs["pk"])
        self.title = _("Close need: %(need)s") % {"need": self.need}
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        self.success_message = _("Need closed.")
        return services.need_close(actor=self.request.user, need=self.need, reason=form.cleaned_data["reason"])


class NeedHistoryView(ObjectHistoryView):
    model = TrainingNeed

    def get_queryset(self):
        return selectors.visible_needs(self.request.user)


# Plans -----------------------------------------------------------------------------------


def visible_plans(user):
    """HR and the general manager see every revision; others the approved and published ones."""
    qs = TrainingPlan.objects.select_related("prepared_by", "approved_by")
    if permissions.manages_training(user) or permissions.approves_plans(user) or permissions.reads_all_training(user):
        return qs
    return qs.filter(status__in=[PlanStatus.APPROVED, PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED])


class PlanListView(TemplateView):
    template_name = "training/plan_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plans=visible_plans(self.request.user), manages=permissions.manages_training(self.request.user), **kwargs
        )


class PlanCreateView(HrRequiredMixin, FormPage):
    form_class = PlanCreateForm
    title = gettext_lazy("New annual training plan")

    def perform(self, form):
        self.success_message = _("Plan created. Add lines, or draft them from the open needs.")
        return services.plan_create(actor=self.request.user, **form.cleaned_data)


class PlanDetailView(TemplateView):
    template_name = "training/plan_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        plan = get_object_or_404(visible_plans(user), pk=self.kwargs["pk"])
        items = list(
            plan.items.select_related("course").prefetch_related(
                "audience_departments", "audience_posts", "audience_employees", "needs"
            )
        )
        done = selectors.completed_line_keys(plan.year)
        for item in items:
            item.done = item.line_key in done
        progress = selectors.plan_progress(plan.year, items=items, plan=plan, done=done)
        return super().get_context_data(
            plan=plan,
            items=items,
            progress=progress,
            distributions=plan.distributions.select_related("department", "distributed_by"),
            revisions=TrainingPlan.objects.filter(year=plan.year).order_by("revision"),
            open_needs=TrainingNeed.objects.filter(status=NeedStatus.OPEN).count() if plan.is_editable else 0,
            manages=permissions.manages_training(user),
            approves=permissions.approves_plans(user),
            **kwargs,
        )


class PlanExportView(View):
    def get(self, request, pk):
        plan = get_object_or_404(visible_plans(request.user), pk=pk)
        items = list(plan.items.prefetch_related("audience_departments", "audience_posts", "audience_employees"))
        done = selectors.completed_line_keys(plan.year)
        for item in items:
            item.done = item.line_key in done
        progress = selectors.plan_progress(plan.year, items=items, plan=plan, done=done)
        return file_response(
            exports.plan_xlsx(plan, items, progress),
            filename=f"training-plan-{plan.year}-r{plan.revision}.xlsx",
            content_type=XLSX,
        )


class PlanObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.plan = get_object_or_404(visible_plans(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class PlanDraftFromNeedsView(HrRequiredMixin, PlanObjectMixin, PostOnlyView):
    def perform(self):
        added = services.plan_draft_from_needs(actor=self.request.user, plan=self.plan)
        messages.success(self.request, _("%(n)d line(s) drafted from the open needs.") % {"n": added})
        return self.plan

    def fallback(self):
        return self.plan


class PlanSubmitView(HrRequiredMixin, PlanObjectMixin, PostOnlyView):
    def perform(self):
        services.plan_submit(actor=self.request.user, plan=self.plan)
        messages.success(self.request, _("Plan submitted to the general manager."))
        return self.plan

    def fallback(self):
        return self.plan


class PlanApproveView(RoleRequiredMixin, PlanObjectMixin, FormPage):
    form_class = CommentForm
    title = gettext_lazy("Approve the training plan")

    def test_permission(self, user):
        return permissions.approves_plans(user)

    def perform(self, form):
        self.success_message = _("Plan approved.")
        return services.plan_approve(actor=self.request.user, plan=self.plan, comment=form.cleaned_data["comment"])


class PlanReturnView(RoleRequiredMixin, PlanObjectMixin, FormPage):
    form_class = RequiredCommentForm
    title = gettext_lazy("Return the training plan for changes")

    def test_permission(self, user):
        return permissions.approves_plans(user)

    def perform(self, form):
        self.success_message = _("Plan returned to HR.")
        return services.plan_return(actor=self.request.user, plan=self.plan, comment=form.cleaned_data["comment"])


class PlanPublishView(HrRequiredMixin, PlanObjectMixin, FormPage):
    form_class = PublishForm
    title = gettext_lazy("Publish the training plan")
    help = gettext_lazy("Record the departments that receive a copy (distribution record).")

    def perform(self, form):
        self.success_message = _("Plan published; distribution recorded.")
        return services.plan_publish(
            actor=self.request.user, plan=self.plan, departments=form.cleaned_data["departments"]
        )


class PlanReviseView(HrRequiredMixin, PlanObjectMixin, FormPage):
    form_class = ReviseForm
    title = gettext_lazy("Revise the approved plan")
    help = gettext_lazy("A new revision is drafted with every line; once approved it replaces this one.")

    def perform(self, form):
        self.success_message = _("New revision drafted.")
        return services.plan_revise(
            actor=self.request.user, plan=self.plan, change_description=form.cleaned_data["change_description"]
        )


class PlanHistoryView(ObjectHistoryView):
    model = TrainingPlan

    def get_queryset(self):
        return visible_plans(self.request.user)


class PlanItemCreateView(HrRequiredMixin, PlanObjectMixin, FormPage):
    form_class = PlanItemForm
    title = gettext_lazy("New plan line")

    def perform(self, form):
        self.success_message = _("Plan line saved.")
        data = dict(form.cleaned_data)
        audience = {k: list(data.pop(k)) for k in ("departments", "posts", "employees")}
        services.plan_item_save(actor=self.request.user, plan=self.plan, **data, **audience)
        return self.plan


class PlanItemUpdateView(HrRequiredMixin, FormPage):
    form_class = PlanItemForm

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=kwargs["pk"])
        self.title = _("Edit plan line: %(item)s") % {"item": self.item.content}
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": PlanItem.objects.get(pk=self.item.pk)}

    def perform(self, form):
        self.success_message = _("Plan line saved.")
        data = dict(form.cleaned_data)
        audience = {k: list(data.pop(k)) for k in ("departments", "posts", "employees")}
        services.plan_item_save(actor=self.request.user, plan=self.item.plan, item=self.item, **data, **audience)
        return self.item.plan


class PlanItemRemoveView(HrRequiredMixin, PostOnlyView):
    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def perform(self):
        plan = self.item.plan
        services.plan_item_remove(actor=self.request.user, item=self.item)
        messages.success(self.request, _("Plan line removed."))
        return plan

    def fallback(self):
        return self.item.plan


# Events ----------------------------------------------------------------------------------


def visible_events(user):
    """HR and readers see every event; others the events they or their staff attend."""
    qs = TrainingEvent.objects.select_related("course", "plan_item__plan")
    if permissions.reads_all_training(user):
        return qs
    employees = selectors.visible_employees(user).values("pk")
    return qs.filter(attendances__employee__in=employees).distinct()


class EventListView(TemplateView):
    template_name = "training/event_list.html"

    def get_context_data(self, **kwargs):
        events = visible_events(self.request.user).annotate(
            invited=Count("attendances", distinct=True),
            passed=Count("attendances", filter=Q(attendances__result=AttendanceResult.PASSED), distinct=True),
        )
        status = self.request.GET.get("status", "")
        if status in EventStatus.values:
            events = events.filter(status=status)
        page = Paginator(events.order_by("-date", "-pk"), 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            status=status,
            statuses=EventStatus.choices,
            querystring=f"status={status}" if status else "",
            manages=permissions.manages_training(self.request.user),
            **kwargs,
        )


class EventCreateView(HrRequiredMixin, FormPage):
    form_class = EventForm
    title = gettext_lazy("New training event")

    def get_initial(self):
        initial = {"date": today()}
        item = PlanItem.objects.filter(pk=self.request.GET.get("item") or 0).select_related("course").first()
        if item:
            initial |= {
                "plan_item": item,
                "course": item.course,
                "title": item.content,
                "method": item.method,
                "trainer": item.trainer,
                "hours": item.hours,
                "assessment_method": item.assessment_method,
            }
        return initial

    def perform(self, form):
        self.success_message = _("Training event recorded; invitations sent to the attendees' inboxes.")
        data = dict(form.cleaned_data)
        attendees = list(data.pop("attendees"))
        return services.event_create(actor=self.request.user, attendees=attendees, **data)


class EventObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(visible_events(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class EventUpdateView(HrRequiredMixin, EventObjectMixin, FormPage):
    form_class = EventForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": TrainingEvent.objects.get(pk=self.event.pk)}

    def get_context_data(self, **kwargs):
        self.title = _("Edit %(event)s") % {"event": self.event}
        return super().get_context_data(**kwargs)

    def perform(self, form):
        self.success_message = _("Event saved.")
        return services.event_update(actor=self.request.user, event=self.event, **form.cleaned_data)


class EventDetailView(EventObjectMixin, TemplateView):
    template_name = "training/event_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        attendances = list(self.event.attendances.select_related("employee__user"))
        qualifications = {q.attendance_id: q for q in Qualification.objects.filter(attendance__event=self.event)}
        for a in attendances:
            a.issued = qualifications.get(a.pk)
        own = permissions.own_employee_id(user)
        manages = permissions.manages_training(user)
        return super().get_context_data(
            event=self.event,
            attendances=attendances,
            mine=next((a for a in attendances if a.employee_id == own), None),
            manages=manages,
            # Only HR sees the other attendees' feedback; a head sees the results of their staff.
            show_feedback=manages,
            results=AttendanceResult.choices,
            can_record=manages and self.event.status == EventStatus.PLANNED and self.event.date <= today(),
            attended=ATTENDED,
            **kwargs,
        )


class EventResultsView(HrRequiredMixin, EventObjectMixin, View):
    """HR records attendance (from the signed sheet) and each attendee's result and score."""

    http_method_names = ["post"]

    def post(self, request, pk):
        when = HappenedForm(request.POST)
        if not when.is_valid():
            for error in when.errors.get("happened_at", []):
                messages.error(request, error)
            return redirect(self.event)
        happened_at = when.cleaned_data["happened_at"]
        errors = []
        for attendance in self.event.attendances.select_related("employee", "event__course"):
            result = request.POST.get(f"result-{attendance.pk}")
            if not result or result not in AttendanceResult.values:
                continue
            raw = (request.POST.get(f"score-{attendance.pk}") or "").strip()
            try:
                score = Decimal(raw) if raw else None
            except InvalidOperation:
                errors.append(_("%(name)s: the score is not a number.") % {"name": attendance.employee.name})
                continue
            if result == attendance.result and score == attendance.score:
                continue
            try:
                services.attendance_record_result(
                    actor=request.user, attendance=attendance, result=result, score=score, happened_at=happened_at
                )
            except ValidationError as error:
                errors.extend(error.messages)
        for error in errors:
            messages.error(request, error)
        if not errors:
            messages.success(request, _("Results saved. Passed attendees hold the qualification now."))
        return redirect(self.event)


class EventCompleteView(HrRequiredMixin, EventObjectMixin, PostOnlyView):
    def perform(self):
        when = HappenedForm(self.request.POST)
        if not when.is_valid():
            raise ValidationError(when.errors["happened_at"])
        services.event_complete(actor=self.request.user, event=self.event, **when.cleaned_data)
        messages.success(self.request, _("Event closed as held."))
        return self.event

    def fallback(self):
        return self.event


class EventCancelView(HrRequiredMixin, EventObjectMixin, FormPage):
    form_class = CancelForm
    title = gettext_lazy("Cancel the training event")

    def perform(self, form):
        self.success_message = _("Event cancelled.")
        return services.event_cancel(actor=self.request.user, event=self.event, **form.cleaned_data)


class EventInviteView(HrRequiredMixin, EventObjectMixin, FormPage):
    form_class = InviteForm
    title = gettext_lazy("Invite attendees")

    def perform(self, form):
        added = services.event_invite(
            actor=self.request.user, event=self.event, employees=form.cleaned_data["employees"]
        )
        self.success_message = _("%(n)d attendee(s) invited.") % {"n": added}
        return self.event


class EventEvidenceView(HrRequiredMixin, EventObjectMixin, FormPage):
    form_class = EvidenceForm
    title = gettext_lazy("Attach evidence")
    help = gettext_lazy("The signed attendance sheet, the test papers or the certificate: PDF, PNG or JPEG.")

    def perform(self, form):
        self.success_message = _("Evidence attached.")
        return services.event_attach_evidence(
            actor=self.request.user, event=self.event, uploaded=form.cleaned_data["evidence"]
        )


class EventEvidenceDownloadView(EventObjectMixin, View):
    def get(self, request, pk):
        if not self.event.evidence:
            raise Http404
        content_type = mimetypes.guess_type(self.event.evidence.name)[0] or "application/octet-stream"
        response = FileResponse(
            self.event.evidence.open("rb"),
            as_attachment=True,
            filename=self.event.evidence_name or self.event.evidence.name.rsplit("/", 1)[-1],
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class EventHistoryView(ObjectHistoryView):
    model = TrainingEvent

    def get_queryset(self):
        return visible_events(self.request.user)


class AttendanceMixin:
    """The attendee's own row: others get 404."""

    def dispatch(self, request, *args, **kwargs):
        own = permissions.own_employee_id(request.user)
        self.attendance = get_object_or_404(
            Attendance.objects.select_related("event", "employee"), pk=kwargs["pk"], employee_id=own or 0
        )
        return super().dispatch(request, *args, **kwargs)


class AttendanceConfirmView(AttendanceMixin, PostOnlyView):
    def perform(self):
        services.attendance_confirm(actor=self.request.user, attendance=self.attendance)
        messages.success(self.request, _("Thank you, your participation is confirmed."))
        return self.attendance.event

    def fallback(self):
        return self.attendance.event


class AttendanceFeedbackView(AttendanceMixin, FormPage):
    form_class = FeedbackForm

    def get_context_data(self, **kwargs):
        self.title = _("Feedback on %(event)s") % {"event": self.attendance.event}
        return super().get_context_data(**kwargs)

    def perform(self, form):
        self.success_message = _("Thank you for your feedback.")
        services.attendance_feedback(
            actor=self.request.user,
            attendance=self.attendance,
            rating=form.cleaned_data["rating"],
            text=form.cleaned_data["text"],
        )
        return self.attendance.event


# Employee training file ------------------------------------------------------------------


class EmployeeFileMixin:
    def dispatch(self, request, *args, **kwargs):
        self.employee = get_object_or_404(selectors.visible_employees(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class MyFileView(View):
    def get(self, request):
        employee = getattr(request.user, "employee", None)
        if employee is None:
            raise Http404
        return redirect("training:employee_file", pk=employee.pk)


class EmployeeFileView(EmployeeFileMixin, TemplateView):
    template_name = "training/employee_file.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            manages=permissions.manages_training(self.request.user),
            **selectors.employee_file(self.employee),
            **kwargs,
        )


class EmployeeFilePdfView(EmployeeFileMixin, View):
    def get(self, request, pk):
        pdf = exports.employee_file_pdf(selectors.employee_file(self.employee))
        return file_response(pdf, filename=f"training-file-{self.employee.number}.pdf", content_type=PDF)


class EmployeeFileXlsxView(EmployeeFileMixin, View):
    def get(self, request, pk):
        data = exports.employee_file_xlsx(selectors.employee_file(self.employee))
        return file_response(data, filename=f"training-file-{self.employee.number}.xlsx", content_type=XLSX)


class QualificationVoidView(HrRequiredMixin, FormPage):
    form_class = ReasonForm

    def dispatch(self, request, *args, **kwargs):
        self.qualification = get_object_or_404(
            Qualification.objects.select_related("employee", "course"), pk=kwargs["pk"]
        )
        self.title = _("Void qualification: %(q)s") % {"q": self.qualification}
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        self.success_message = _("Qualification voided.")
        services.qualification_void(
            actor=self.request.user, qualification=self.qualification, reason=form.cleaned_data["reason"]
        )
        return self.qualification.employee

    def get_success_url(self, result=None):
        return reverse("training:employee_file", args=[result.pk])


class ExpiringView(RoleRequiredMixin, TemplateView):
    template_name = "training/expiring.html"

    def test_permission(self, user):
        return permissions.can_see_matrix(user)

    def get_context_data(self, **kwargs):
        try:
            days = max(1, min(int(self.request.GET.get("days", selectors.warning_days())), 730))
        except ValueError:
            days = selectors.warning_days()
        return super().get_context_data(
            days=days, qualifications=selectors.expiring_qualifications(days=days, user=self.request.user), **kwargs
        )


# Training matrix -------------------------------------------------------------------------


class MatrixMixin(RoleRequiredMixin):
    def test_permission(self, user):
        return permissions.can_see_matrix(user)

    def matrix(self):
        self.filter_form = MatrixFilterForm(self.request.GET or None, user=self.request.user)
        filters = {}
        if self.filter_form.is_bound and self.filter_form.is_valid():
            filters = {k: v for k, v in self.filter_form.cleaned_data.items() if v}
        return selectors.training_matrix(self.request.user, **filters)


def render_cells(matrix):
    """Each row's cells as one piece of HTML: 60 000 cells through the template engine take
    seconds, joined strings a fraction of that."""
    labels = {status.value: escape(str(status.label)) for status in CellStatus}
    star = " ★"
    for row in matrix.rows:
        parts = []
        for cell in row.cells:
            status = cell.status
            title = f' title="{cell.valid_until.isoformat()}"' if cell.valid_until else ""
            if status == CellStatus.VALID:
                text = cell.valid_until.strftime("%Y-%m") if cell.valid_until else "✓"
            elif status == CellStatus.EXPIRING:
                text = cell.valid_until.isoformat()
            elif status == CellStatus.NOT_REQUIRED:
                text = "—"
            else:
                text = labels[status] + (star if status == CellStatus.MISSING and cell.before_taking_up else "")
            parts.append(
                f'<td class="cell"><span class="st st-{status}" data-status="{status}"{title}>{text}</span></td>'
            )
        row.cells_html = mark_safe("".join(parts))  # noqa: S308 - built only from escaped labels and dates


class MatrixView(MatrixMixin, TemplateView):
    template_name = "training/matrix.html"

    def get_context_data(self, **kwargs):
        matrix = self.matrix()
        render_cells(matrix)
        return super().get_context_data(
            matrix=matrix,
            form=self.filter_form,
            querystring=self.request.GET.urlencode(),
            **kwargs,
        )


class MatrixExportView(MatrixMixin, View):
    def get(self, request):
        matrix = self.matrix()
        return file_response(
            exports.matrix_xlsx(matrix), filename=f"training-matrix-{matrix.day.isoformat()}.xlsx", content_type=XLSX
        )
