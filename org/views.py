"""Pages of the organisation: chart, departments, posts, employees, vacancies.

Everybody who is logged in reads the organisation. Edits are checked here on the server
through ``org.permissions``: HR and administrators everywhere, a department head inside
their own branch, anyone with an explicit grant on a department.
"""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from core.history import ObjectHistoryView
from core.http import XLSX, file_response

from . import exports, selectors, services
from .choices import Role
from .forms import (
    AsOfForm,
    AssignmentEndForm,
    AssignmentForm,
    CloseForm,
    DepartmentForm,
    EmployeeForm,
    GrantForm,
    LeaveForm,
    PostForm,
    PostRelationForm,
)
from .models import Assignment, Department, Employee, Post, PostRelation, today
from .permissions import (
    ManageOrganisationMixin,
    RoleRequiredMixin,
    can_edit_post,
    can_manage_organisation,
    department_tree,
    editable_department_ids,
    with_descendants,
)


def add_service_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form, by field where the form has the field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ServiceFormView(FormView):
    """A form whose data goes to a service. The service's ValidationError comes back as form
    errors and nothing is written; success shows a message and redirects."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url(result))

    def get_success_url(self, result=None):
        return result.get_absolute_url()


def _parse_day(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# Chart -----------------------------------------------------------------------------------


class ChartView(TemplateView):
    """/org/chart/: departments → posts → holders, as of today or any past day."""

    template_name = "org/chart.html"

    def get_context_data(self, **kwargs):
        form = AsOfForm(self.request.GET or None)
        day, query, root = today(), "", None
        if form.is_bound and form.is_valid():
            day = form.cleaned_data["as_of"] or today()
            query = form.cleaned_data["q"] or ""
            root = form.cleaned_data["root"]
        roots = selectors.org_chart(day, root_id=root, query=query)
        root_department = Department.objects.filter(pk=root).first() if root else None
        return super().get_context_data(
            form=form,
            day=day,
            day_iso=day.isoformat(),
            is_past=day < today(),
            is_future=day > today(),
            query=query,
            root_department=root_department,
            events=selectors.flatten(roots),
            roots=roots,
            totals=(sum(r.planned for r in roots), sum(r.filled for r in roots), sum(r.vacant for r in roots)),
            **kwargs,
        )


# Departments -----------------------------------------------------------------------------


class DepartmentListView(TemplateView):
    template_name = "org/department_list.html"

    def get_context_data(self, **kwargs):
        show_closed = self.request.GET.get("closed") == "1"
        departments = Department.objects.select_related("parent", "head_post").order_by("sort_order", "code")
        if not show_closed:
            departments = departments.valid_on()
        counts = selectors.department_counts()
        rows = [(d, counts.get(d.pk, (0, 0, 0))) for d in departments]
        return super().get_context_data(
            rows=rows, show_closed=show_closed, can_manage=can_manage_organisation(self.request.user), **kwargs
        )


class DepartmentDetailView(DetailView):
    model = Department
    template_name = "org/department_detail.html"
    queryset = Department.objects.select_related("parent", "head_post")

    def get_context_data(self, **kwargs):
        user = self.request.user
        editable = editable_department_ids(user)
        return super().get_context_data(
            **selectors.department_detail(self.object),
            can_manage=can_manage_organisation(user),
            can_edit_posts=editable is None or self.object.pk in editable,
            **kwargs,
        )


class DepartmentCreateView(ManageOrganisationMixin, ServiceFormView):
    form_class = DepartmentForm
    template_name = "org/department_form.html"

    def get_initial(self):
        return {"parent": self.request.GET.get("parent")}

    def perform(self, form):
        self.success_message = _("Department created.")
        return services.department_create(actor=self.request.user, **form.cleaned_data)


class DepartmentUpdateView(ManageOrganisationMixin, ServiceFormView):
    form_class = DepartmentForm
    template_name = "org/department_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Department, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.object}

    def perform(self, form):
        self.success_message = _("Department saved.")
        return services.department_update(actor=self.request.user, department=self.object, **form.cleaned_data)


class DepartmentCloseView(ManageOrganisationMixin, ServiceFormView):
    form_class = CloseForm
    template_name = "org/close_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Department, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def perform(self, form):
        self.success_message = _("Department closed.")
        return services.department_close(
            actor=self.request.user,
            department=self.object,
            valid_to=form.cleaned_data["valid_to"],
            reason=form.cleaned_data["reason"],
        )


class DepartmentAccessView(ManageOrganisationMixin, ServiceFormView):
    """Who may edit a department's posts: derived holders, and explicit grants to change."""

    form_class = GrantForm
    template_name = "org/department_access.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Department, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        dept = self.object
        heads = []
        for ancestor in dept.ancestors_and_self():
            if ancestor.head_post_id:
                for a in (
                    Assignment.objects.current().filter(post_id=ancestor.head_post_id).select_related("employee__user")
                ):
                    heads.append((a, ancestor))
        managers = (
            get_user_model()
            .objects.filter(Q(groups__name__in=[Role.HR, Role.ADMINISTRATOR]) | Q(is_superuser=True), is_active=True)
            .distinct()
        )
        granted = [
            (user, perms)
            for user, perms in get_users_with_perms(
                dept, attach_perms=True, with_group_users=False, with_superusers=False
            ).items()
            if "manage_department" in perms
        ]
        return super().get_context_data(object=dept, heads=heads, managers=managers, granted=granted, **kwargs)

    def post(self, request, *args, **kwargs):
        revoke = request.POST.get("revoke")
        if revoke:
            user = get_object_or_404(get_user_model(), pk=revoke)
            remove_perm("org.manage_department", user, self.object)
            messages.success(request, _("Edit right of %(user)s removed.") % {"user": user})
            return redirect("org:department_access", pk=self.object.pk)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        assign_perm("org.manage_department", form.cleaned_data["user"], self.object)
        self.success_message = _("Edit right granted.")
        return self.object

    def get_success_url(self, result=None):
        return reverse("org:department_access", args=[self.object.pk])


# Posts -----------------------------------------------------------------------------------


class PostListView(TemplateView):
    template_name = "org/post_list.html"

    def filtered(self):
        department = _int(self.request.GET.get("department"))
        department_ids = None
        if department:
            department_ids = with_descendants([department], department_tree())
        nodes = selectors.post_nodes(today(), department_ids)
        needle = self.request.GET.get("q", "").strip().lower()
        if needle:
            nodes = [n for n in nodes if n.matches(needle)]
        if self.request.GET.get("vacant") == "1":
            nodes = [n for n in nodes if n.vacant]
        return nodes, department

    def get_context_data(self, **kwargs):
        nodes, department = self.filtered()
        page = Paginator(nodes, 100).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            page=page,
            total=len(nodes),
            departments=Department.objects.valid_on(),
            department=department,
            querystring=query.urlencode(),
            can_create=bool(
                editable_department_ids(self.request.user) is None or editable_department_ids(self.request.user)
            ),
            **kwargs,
        )


class PostExportView(PostListView):
    """The post list as a print-ready Excel file, with the same filters as the page."""

    def get(self, request, *args, **kwargs):
        nodes, _department = self.filtered()
        return file_response(
            exports.post_list_xlsx(nodes, day=today()), filename=f"posts-{today():%Y%m%d}.xlsx", content_type=XLSX
        )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PostDetailView(DetailView):
    model = Post
    template_name = "org/post_detail.html"
    queryset = Post.objects.select_related("department", "superior__department")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **selectors.post_detail(self.object), can_edit=can_edit_post(self.request.user, self.object), **kwargs
        )


class PostEditMixin(RoleRequiredMixin):
    """Loads the post from the URL; only users who may edit its department get further."""

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = get_object_or_404(Post.objects.select_related("department"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return can_edit_post(user, self.post_obj)

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.post_obj, **kwargs)


class PostCreateView(RoleRequiredMixin, ServiceFormView):
    form_class = PostForm
    template_name = "org/post_form.html"

    def test_permission(self, user):
        ids = editable_department_ids(user)
        return ids is None or bool(ids)

    def get_initial(self):
        return {"department": self.request.GET.get("department")}

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def perform(self, form):
        self.success_message = _("Post created.")
        return services.post_create(actor=self.request.user, **form.cleaned_data)


class PostUpdateView(PostEditMixin, ServiceFormView):
    form_class = PostForm
    template_name = "org/post_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user, "instance": self.post_obj}

    def perform(self, form):
        self.success_message = _("Post saved.")
        return services.post_update(actor=self.request.user, post=self.post_obj, **form.cleaned_data)


class PostCloseView(PostEditMixin, ServiceFormView):
    form_class = CloseForm
    template_name = "org/close_form.html"

    def perform(self, form):
        self.success_message = _("Post closed.")
        return services.post_close(
            actor=self.request.user,
            post=self.post_obj,
            valid_to=form.cleaned_data["valid_to"],
            reason=form.cleaned_data["reason"],
        )


class PostRelationCreateView(PostEditMixin, ServiceFormView):
    form_class = PostRelationForm
    template_name = "org/simple_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"post": self.post_obj}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Add a dotted line from %(post)s") % {"post": self.post_obj}, **kwargs)

    def perform(self, form):
        self.success_message = _("Dotted line added.")
        services.post_relation_add(actor=self.request.user, source=self.post_obj, **form.cleaned_data)
        return self.post_obj


class PostRelationEndView(RoleRequiredMixin, View):
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        self.relation = get_object_or_404(PostRelation.objects.select_related("source__department"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return can_edit_post(user, self.relation.source)

    def post(self, request, *args, **kwargs):
        try:
            services.post_relation_end(
                actor=request.user, relation=self.relation, valid_to=max(today(), self.relation.valid_from)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Dotted line ended."))
        return redirect(self.relation.source)


# Assignments -----------------------------------------------------------------------------


class AssignmentCreateView(PostEditMixin, ServiceFormView):
    form_class = AssignmentForm
    template_name = "org/simple_form.html"

    def get_initial(self):
        return {"start": today()}

    def get_form_kwargs(self):
        may_grant = self.post_obj.is_special and can_manage_organisation(self.request.user)
        return super().get_form_kwargs() | {"may_grant_exception": may_grant}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Assign someone to %(post)s") % {"post": self.post_obj}, **kwargs)

    def perform(self, form):
        self.success_message = _("Assignment recorded.")
        services.assignment_create(actor=self.request.user, post=self.post_obj, **form.cleaned_data)
        return self.post_obj


class AssignmentEndView(RoleRequiredMixin, ServiceFormView):
    form_class = AssignmentEndForm
    template_name = "org/simple_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.assignment = get_object_or_404(
            Assignment.objects.select_related("post__department", "employee"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        return can_edit_post(user, self.assignment.post)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("End assignment: %(a)s") % {"a": self.assignment}, **kwargs)

    def perform(self, form):
        self.success_message = _("Assignment ended.")
        services.assignment_end(
            actor=self.request.user,
            assignment=self.assignment,
            end=form.cleaned_data["end"],
            reason=form.cleaned_data["reason"],
        )
        return self.assignment.post


# Employees -------------------------------------------------------------------------------


class EmployeeListView(TemplateView):
    template_name = "org/employee_list.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        leavers = self.request.GET.get("leavers") == "1"
        page = Paginator(selectors.employee_list(query, leavers), 100).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page, query=query, leavers=leavers, can_manage=can_manage_organisation(self.request.user), **kwargs
        )


class EmployeeDetailView(DetailView):
    model = Employee
    template_name = "org/employee_detail.html"
    queryset = Employee.objects.select_related("user")

    def get_context_data(self, **kwargs):
        assignments = list(self.object.assignments.select_related("post__department").order_by("-start"))
        return super().get_context_data(
            current=[a for a in assignments if a.is_current],
            past=[a for a in assignments if not a.is_current],
            open_items=selectors.employee_open_items(self.object),
            can_manage=can_manage_organisation(self.request.user),
            **kwargs,
        )


class EmployeeCreateView(ManageOrganisationMixin, ServiceFormView):
    form_class = EmployeeForm
    template_name = "org/simple_form.html"
    extra_context = {"title": _("New employee")}

    def perform(self, form):
        self.success_message = _("Employee created.")
        return services.employee_create(actor=self.request.user, **form.cleaned_data)


class EmployeeUpdateView(ManageOrganisationMixin, ServiceFormView):
    form_class = EmployeeForm
    template_name = "org/simple_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Employee, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit %(name)s") % {"name": self.object}, **kwargs)

    def perform(self, form):
        self.success_message = _("Employee saved.")
        return services.employee_update(actor=self.request.user, employee=self.object, **form.cleaned_data)


class EmployeeLeaveView(ManageOrganisationMixin, ServiceFormView):
    form_class = LeaveForm
    template_name = "org/simple_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Employee, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Record leaving: %(name)s") % {"name": self.object},
            help=_("All assignments end on the leaving date and the login is disabled."),
            **kwargs,
        )

    def perform(self, form):
        self.success_message = _("Leaving recorded. Hand over what is listed under “Still owns”.")
        return services.employee_leave(
            actor=self.request.user,
            employee=self.object,
            leaving_date=form.cleaned_data["leaving_date"],
            reason=form.cleaned_data["reason"],
        )


# Vacancies and history -------------------------------------------------------------------


class VacancyListView(TemplateView):
    template_name = "org/vacancy_list.html"

    def get_context_data(self, **kwargs):
        nodes = selectors.vacancies()
        by_department = {}
        for node in nodes:
            by_department.setdefault(node.post.department, []).append(node)
        return super().get_context_data(
            by_department=sorted(by_department.items(), key=lambda item: (item[0].sort_order, item[0].code)),
            total=sum(n.vacant for n in nodes),
            **kwargs,
        )


class DepartmentHistoryView(ObjectHistoryView):
    model = Department


class PostHistoryView(ObjectHistoryView):
    model = Post


class EmployeeHistoryView(ObjectHistoryView):
    model = Employee


class AssignmentHistoryView(ObjectHistoryView):
    model = Assignment
