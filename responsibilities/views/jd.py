"""Pages of the job descriptions: register, the document, its editor, the workflow steps,
version comparison, who may edit, and the change history.

The views are thin: reads come from ``selectors`` (already scoped to the user), writes and
moves through the workflow from ``services``, which check the actor's right again on the
server. A refused action answers 403 (or 404 when the user may not even see the object).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from guardian.shortcuts import assign_perm, get_groups_with_perms, get_users_with_perms, remove_perm

from core.history import ObjectHistoryView
from org.models import Assignment, Department, Post
from org.permissions import RoleRequiredMixin, department_tree, with_descendants
from org.views import ServiceFormView, add_service_errors

from .. import permissions, selectors, services
from ..choices import DocumentStatus, Frequency
from ..forms import (
    ApproveForm,
    DutyFormSet,
    GrantForm,
    JdTextForm,
    KpiFormSet,
    RegisterFilterForm,
    RejectForm,
    TrainingFormSet,
    duty_initial,
    kpi_initial,
    training_initial,
)
from ..models import DesignatedApprover, JobDescription


def _content_changed(field_diff):
    """The description of the change differs between any two versions: no change of content."""
    label = str(JobDescription._meta.get_field("change_description").verbose_name)
    return field_diff.changed and field_diff.label != label


#: Versions that are still being prepared: at most one per post.
OPEN_STATUSES = (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED)


def _version_param(request, name="version"):
    """A version number from the query string; ``None`` when absent, 404 when malformed."""
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise Http404
    return int(value)


def _person(user):
    if user is None:
        return ""
    employee = getattr(user, "employee", None)
    return employee.name if employee else (user.get_full_name() or user.get_username())


def _names(user_ids):
    users = get_user_model().objects.filter(pk__in=user_ids).select_related("employee").order_by("username")
    return [_person(u) for u in users]


def _with_approver_names(revisions):
    """The revision table names the approver as the documents do: by name, not login."""
    usernames = {r["approved_by__username"] for r in revisions if r["approved_by__username"]}
    users = get_user_model().objects.filter(username__in=usernames).select_related("employee")
    names = {u.get_username(): _person(u) for u in users}
    for r in revisions:
        r["approved_by_name"] = names.get(r["approved_by__username"], "")
    return revisions


def _detail_url(jd):
    return jd.get_absolute_url()


def _department_order(departments):
    """Departments in tree order (each parent before its children) with their depth."""
    children, ids = {}, {d.pk for d in departments}
    for d in departments:
        children.setdefault(d.parent_id if d.parent_id in ids else None, []).append(d)
    ordered = []

    def walk(parent, depth):
        for d in children.get(parent, ()):
            ordered.append((d, depth))
            walk(d.pk, depth + 1)

    walk(None, 0)
    return ordered


# Register --------------------------------------------------------------------------------


class JdRegisterView(TemplateView):
    """``/responsibilities/``: every post the user may see, with its effective version and the
    version in preparation, grouped by department."""

    template_name = "responsibilities/jd_register.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        departments = _department_order(list(Department.objects.valid_on().order_by("sort_order", "code")))
        form = RegisterFilterForm(self.request.GET or None, departments=departments)
        department, status = None, ""
        if form.is_bound and form.is_valid():
            department, status = form.cleaned_data["department"], form.cleaned_data["status"]
        department_ids = with_descendants([department], department_tree()) if department else None
        rows = selectors.jd_register(user, department_ids)
        totals = {
            "posts": len(rows),
            "effective": sum(1 for r in rows if r.effective),
            "preparing": sum(1 for r in rows if r.working),
            "in_review": sum(1 for r in rows if r.working and r.working.status == DocumentStatus.IN_REVIEW),
        }
        rows = [r for r in rows if self._matches(r, status)]
        position = {d.pk: (index, depth) for index, (d, depth) in enumerate(departments)}
        groups = {}
        for row in rows:
            groups.setdefault(row.post.department, []).append(row)
        grouped = sorted(groups.items(), key=lambda item: position.get(item[0].pk, (len(position), 0)))
        return super().get_context_data(
            form=form,
            department=department,
            groups=[
                (d, position.get(d.pk, (0, 0))[1], items, permissions.can_print_department_set(user, d))
                for d, items in grouped
            ],
            shown=len(rows),
            totals=totals,
            can_print_bundles=bool(department)
            and permissions.can_print_department_set(user, Department.objects.get(pk=department)),
            **kwargs,
        )

    @staticmethod
    def _matches(row, status):
        working = row.working.status if row.working else None
        return {
            "": True,
            "effective": row.effective is not None,
            "missing": row.effective is None,
            "preparing": working is not None,
            "in_review": working == DocumentStatus.IN_REVIEW,
        }.get(status, True)


# The document ----------------------------------------------------------------------------


class JdDetailView(TemplateView):
    """``/responsibilities/posts/<post>/jd/?version=N``: one version of a post's job description
    with its document control, sections, revision table, versions and the allowed actions."""

    template_name = "responsibilities/jd_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        post = get_object_or_404(Post.objects.select_related("department", "superior"), pk=self.kwargs["post_pk"])
        version = _version_param(self.request)
        can_edit = permissions.can_edit_jd(user, post)
        if version is None and can_edit and not JobDescription.objects.filter(post=post).exists():
            # Nothing written yet: editors get the page with a button to start version 1.
            return super().get_context_data(
                post=post,
                jd=None,
                can_start=post.is_current,
                identification=services.live_identification(post),
                **kwargs,
            )
        jd = selectors.jd_for_user(user, post, version)
        versions = selectors.visible_versions(user, post)
        open_version = next((v for v in versions if v.status in OPEN_STATUSES), None)
        can_approve = permissions.can_approve_jd(user, jd)
        manages_all = permissions.manages_all_documents(user)
        waiting_for = []
        if jd.status == DocumentStatus.IN_REVIEW:
            waiting_for = _names(permissions.approver_candidates(jd.post, exclude=permissions.jd_authors(jd)))
        return super().get_context_data(
            post=post,
            jd=jd,
            identification=jd.identification if jd.is_frozen else services.live_identification(jd.post),
            revisions=_with_approver_names(selectors.revision_table(post)),
            versions=[(v, self._compare_url(post, v, jd)) for v in versions],
            open_version=open_version if open_version and open_version.pk != jd.pk else None,
            effective_version=next((v for v in versions if v.status == DocumentStatus.EFFECTIVE), None),
            waiting_for=waiting_for,
            can={
                "edit": can_edit and jd.status == DocumentStatus.DRAFT,
                "submit": can_edit and jd.status == DocumentStatus.DRAFT,
                "new_draft": can_edit and post.is_current and open_version is None,
                "approve": can_approve,
                "reject": jd.status == DocumentStatus.IN_REVIEW and (can_approve or manages_all),
                "editors": can_edit or manages_all,
            },
            **kwargs,
        )

    @staticmethod
    def _compare_url(post, version, shown):
        if version.pk == shown.pk:
            return None
        older, newer = sorted((version.version, shown.version))
        return reverse("responsibilities:jd_compare", args=[post.pk]) + f"?a={older}&b={newer}"


# Workflow --------------------------------------------------------------------------------


class JdNewDraftView(View):
    """Start the next version (or the first) as a draft, then edit it."""

    http_method_names = ["post"]

    def post(self, request, post_pk):
        post = get_object_or_404(Post.objects.select_related("department"), pk=post_pk)
        try:
            draft = services.jd_new_draft(actor=request.user, post=post)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("responsibilities:jd_detail", post_pk=post.pk)
        messages.success(request, _("Version %(v)s started as a draft.") % {"v": draft.version_label})
        return redirect("responsibilities:jd_edit", pk=draft.pk)


def _load_jd(pk):
    return get_object_or_404(
        JobDescription.objects.select_related("post__department", "post__superior", "prepared_by"), pk=pk
    )


class JdMixin:
    """Loads the job description version named by ``pk`` in the URL (404 if there is none)."""

    def dispatch(self, request, *args, **kwargs):
        self.jd = _load_jd(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class JdEditView(JdMixin, RoleRequiredMixin, TemplateView):
    """The editor of a draft: the text sections, duties with tasks, KPIs, required training.

    A save carries the draft's ``edit_revision`` from when the page was loaded; when someone
    saved in between, the service refuses (``EditConflict``) and the page comes back with the
    user's input kept.
    """

    template_name = "responsibilities/jd_edit.html"

    def test_permission(self, user):
        return permissions.can_edit_jd(user, self.jd.post)

    def get(self, request, *args, **kwargs):
        if not self.jd.is_editable:
            return self._not_a_draft()
        return self.render_to_response(self.get_context_data(**self._forms()))

    def post(self, request, *args, **kwargs):
        if not self.jd.is_editable:
            return self._not_a_draft()
        forms = self._forms(request.POST)
        if not all(f.is_valid() for f in forms.values()):
            return self.render_to_response(self.get_context_data(**forms))
        text, duties, kpis, training = forms["form"], forms["duties"], forms["kpis"], forms["training"]
        try:
            services.jd_update(
                actor=request.user,
                jd=self.jd,
                revision=text.cleaned_data["revision"],
                fields={name: text.cleaned_data[name] for name in services.JD_TEXT_FIELDS},
                duties=duties.rows(),
                kpis=kpis.rows(),
                training=training.rows(),
            )
        except services.EditConflict as conflict:
            return self._conflict(conflict)
        except ValidationError as error:
            add_service_errors(text, error)
            return self.render_to_response(self.get_context_data(**forms))
        messages.success(request, _("Draft saved."))
        return redirect(_detail_url(self.jd))

    def _conflict(self, conflict):
        """Re-show the user's input with the conflict explained.

        The hidden revision is moved on to the *current* one: the user has now been told that
        someone else saved, so pressing Save again is a deliberate choice to replace that
        version with theirs. A blind resubmit of an old page still conflicts, because only
        this re-rendered page carries the new revision.
        """
        current = JobDescription.objects.get(pk=self.jd.pk)
        data = self.request.POST.copy()
        data["revision"] = str(current.edit_revision)
        forms = self._forms(data)
        for form in forms.values():
            form.is_valid()
        forms["form"].add_error(None, conflict.messages)
        forms["form"].add_error(None, _("Saving again replaces their version with yours."))
        return self.render_to_response(self.get_context_data(conflict=True, current=current, **forms))

    def _forms(self, data=None):
        jd = self.jd
        if data is None:
            content = selectors.with_content(JobDescription.objects.filter(pk=jd.pk)).get()
            initial = {name: getattr(jd, name) for name in services.JD_TEXT_FIELDS}
            return {
                "form": JdTextForm(initial=initial | {"revision": jd.edit_revision}),
                "duties": DutyFormSet(prefix="duties", initial=duty_initial(content)),
                "kpis": KpiFormSet(prefix="kpis", initial=kpi_initial(content)),
                "training": TrainingFormSet(prefix="training", initial=training_initial(content)),
            }
        return {
            "form": JdTextForm(data),
            "duties": DutyFormSet(data, prefix="duties"),
            "kpis": KpiFormSet(data, prefix="kpis"),
            "training": TrainingFormSet(data, prefix="training"),
        }

    def _not_a_draft(self):
        messages.warning(
            self.request,
            _("Version %(v)s is %(state)s: only a draft can be edited.")
            % {"v": self.jd.version_label, "state": self.jd.get_status_display()},
        )
        return redirect(_detail_url(self.jd))

    def get_context_data(self, **kwargs):
        return super().get_context_data(jd=self.jd, post=self.jd.post, **kwargs)


class JdSubmitView(View):
    """Send a draft for approval."""

    http_method_names = ["post"]

    def post(self, request, pk):
        jd = get_object_or_404(JobDescription.objects.select_related("post__department"), pk=pk)
        try:
            jd = services.jd_submit(actor=request.user, jd=jd)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_detail_url(jd))
        approvers = _names(permissions.approver_candidates(jd.post, exclude=permissions.jd_authors(jd)))
        if approvers:
            messages.success(request, _("Submitted for approval to %(names)s.") % {"names": "、".join(approvers)})
        else:
            messages.warning(
                request,
                _("Submitted for approval, but nobody can approve it yet: the head posts above are vacant."),
            )
        return redirect(_detail_url(jd))


class JdReviewMixin(RoleRequiredMixin):
    """Approve and reject: only for a version in review. Someone who may read the version and
    comes back to it after the decision is sent to it with a note instead of a 403."""

    def dispatch(self, request, *args, **kwargs):
        self.jd = _load_jd(kwargs["pk"])
        user = request.user
        if (
            user.is_authenticated
            and self.jd.status != DocumentStatus.IN_REVIEW
            and permissions.can_view_jd(user, self.jd)
        ):
            messages.info(
                request,
                _("Version %(v)s is %(state)s: there is nothing to decide.")
                % {"v": self.jd.version_label, "state": self.jd.get_status_display()},
            )
            return redirect(_detail_url(self.jd))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        effective = JobDescription.objects.filter(post=self.jd.post, status=DocumentStatus.EFFECTIVE).first()
        compare_url = None
        if effective:
            compare_url = (
                reverse("responsibilities:jd_compare", args=[self.jd.post_id])
                + f"?a={effective.version}&b={self.jd.version}"
            )
        return super().get_context_data(jd=self.jd, effective=effective, compare_url=compare_url, **kwargs)


class JdApproveView(JdReviewMixin, ServiceFormView):
    form_class = ApproveForm
    template_name = "responsibilities/jd_approve.html"

    def test_permission(self, user):
        return permissions.can_approve_jd(user, self.jd)

    def perform(self, form):
        jd = services.jd_approve(
            actor=self.request.user, jd=self.jd, effective_date=form.cleaned_data["effective_date"]
        )
        day = date_format(jd.effective_date, "Y-m-d")
        if jd.status == DocumentStatus.EFFECTIVE:
            self.success_message = _("Version %(v)s approved and in force from %(day)s.") % {
                "v": jd.version_label,
                "day": day,
            }
        else:
            self.success_message = _("Version %(v)s approved; it takes effect on %(day)s.") % {
                "v": jd.version_label,
                "day": day,
            }
        return jd


class JdRejectView(JdReviewMixin, ServiceFormView):
    form_class = RejectForm
    template_name = "responsibilities/jd_reject.html"

    def test_permission(self, user):
        return permissions.can_approve_jd(user, self.jd) or permissions.manages_all_documents(user)

    def perform(self, form):
        self.success_message = _("Version %(v)s returned to draft with your comment.") % {"v": self.jd.version_label}
        return services.jd_reject(actor=self.request.user, jd=self.jd, comment=form.cleaned_data["comment"])


# Comparison ------------------------------------------------------------------------------


class JdCompareView(TemplateView):
    """``?a=N&b=M``: two versions the user may see, side by side. Without parameters: the
    newest version against the one before it."""

    template_name = "responsibilities/jd_compare.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        post = get_object_or_404(Post.objects.select_related("department"), pk=self.kwargs["post_pk"])
        visible = selectors.visible_versions(user, post)
        numbers = [v.version for v in visible]
        a, b = _version_param(self.request, "a"), _version_param(self.request, "b")
        if b is None:
            b = next((n for n in numbers if a is None or n != a), None)
        if a is None:
            a = next((n for n in numbers if b is not None and n < b), None)
        if a not in numbers or b not in numbers:
            raise Http404
        jds = {
            jd.version: jd
            for jd in selectors.with_content(JobDescription.objects.filter(post=post, version__in={a, b}))
        }
        old, new = jds[a], jds[b]
        diff = selectors.compare(old, new)
        labels = dict(Frequency.choices)
        for row in diff["kpis"]:
            for side in (row.old, row.new):
                if side:
                    side["frequency_label"] = labels.get(side["frequency"], side["frequency"])
        counts = {
            key: {kind: sum(1 for r in diff[key] if r.kind == kind) for kind in ("added", "removed", "changed")}
            for key in ("duties", "kpis", "training")
        }
        changed_fields = sum(1 for f in diff["fields"] if _content_changed(f))
        return super().get_context_data(
            post=post,
            old=old,
            new=new,
            diff=diff,
            counts=counts,
            changed_fields=changed_fields,
            has_changes=changed_fields or any(n for per_kind in counts.values() for n in per_kind.values()),
            changes_only=self.request.GET.get("changes") == "1",
            versions=visible,
            **kwargs,
        )


# Who may edit ----------------------------------------------------------------------------


def _users_with(obj, codenames):
    """{user: [codename]} of explicit per-user grants on ``obj`` among ``codenames``."""
    granted = get_users_with_perms(obj, attach_perms=True, with_group_users=False, with_superusers=False)
    return {user: [p for p in perms if p in codenames] for user, perms in granted.items() if set(perms) & codenames}


def _groups_with(obj, codenames):
    return [group for group, perms in get_groups_with_perms(obj, attach_perms=True).items() if set(perms) & codenames]


class JdEditorsView(RoleRequiredMixin, FormView):
    """Who may edit a post's job description: derived from the org chart, by role, and by
    explicit grant; and who approves it. HR and administrators change the grants; the
    editors of the post may look."""

    form_class = GrantForm
    template_name = "responsibilities/jd_editors.html"

    def dispatch(self, request, *args, **kwargs):
        self.post_obj = get_object_or_404(Post.objects.select_related("department"), pk=kwargs["post_pk"])
        return super().dispatch(request, *args, **kwargs)

    def test_permission(self, user):
        if permissions.manages_all_documents(user):
            return True
        return self.request.method in ("GET", "HEAD") and permissions.can_edit_jd(user, self.post_obj)

    def get_context_data(self, **kwargs):
        post = self.post_obj
        chain = post.department.ancestors_and_self()
        heads = {d.head_post_id: d for d in chain if d.head_post_id}
        head_holders = [
            (a, heads[a.post_id])
            for a in Assignment.objects.current()
            .filter(post_id__in=heads)
            .select_related("employee__user", "post")
            .order_by("post__department__sort_order")
        ]
        head_holders.sort(key=lambda item: chain.index(item[1]))
        manage = Permission.objects.filter(codename="manage_organisation", content_type__app_label="org")
        managers = (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__permissions__in=manage) | Q(user_permissions__in=manage),
                is_active=True,
            )
            .select_related("employee")
            .distinct()
            .order_by("username")
        )
        department_grants = []
        for department in chain:
            for user, perms in _users_with(department, {"edit_job_descriptions", "manage_department"}).items():
                department_grants.append((user, department, perms))
            for group in _groups_with(department, {"edit_job_descriptions", "manage_department"}):
                department_grants.append((group, department, None))
        post_grants = list(_users_with(post, {"edit_job_description"}))
        post_groups = _groups_with(post, {"edit_job_description"})
        approvers = _names(permissions.approver_candidates(post))
        designated = DesignatedApprover.objects.filter(post=post).select_related("user__employee").first()
        return super().get_context_data(
            post=post,
            head_holders=head_holders,
            vacant_heads=[d for d in chain if d.head_post_id and d not in {dep for _a, dep in head_holders}],
            managers=managers,
            department_grants=department_grants,
            post_grants=post_grants,
            post_groups=post_groups,
            approvers=approvers,
            designated=designated,
            can_change=permissions.manages_all_documents(self.request.user),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        revoke = request.POST.get("revoke")
        if revoke:
            return self._revoke(revoke)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user, post = form.cleaned_data["user"], self.post_obj
        if form.cleaned_data["scope"] == GrantForm.DEPARTMENT:
            assign_perm("org.edit_job_descriptions", user, post.department)
            text = _("%(user)s may now edit the job descriptions of every post of %(department)s.")
        else:
            assign_perm("org.edit_job_description", user, post)
            text = _("%(user)s may now edit the job description of %(post)s.")
        messages.success(
            self.request, text % {"user": _person(user), "post": post.title, "department": post.department.name}
        )
        return redirect(self.request.path)

    def _revoke(self, value):
        """``post:<user>`` or ``department:<department>:<user>`` (a department of the chain)."""
        parts = value.split(":")
        try:
            ids = [int(p) for p in parts[1:]]
        except ValueError:
            raise Http404 from None
        post = self.post_obj
        if parts[0] == "post" and len(ids) == 1:
            user = get_object_or_404(get_user_model(), pk=ids[0])
            remove_perm("org.edit_job_description", user, post)
            where = post.title
        elif parts[0] == "department" and len(ids) == 2:
            department = next((d for d in post.department.ancestors_and_self() if d.pk == ids[0]), None)
            if department is None:
                raise Http404
            user = get_object_or_404(get_user_model(), pk=ids[1])
            remove_perm("org.edit_job_descriptions", user, department)
            where = department.name
        else:
            raise Http404
        messages.success(
            self.request,
            _("The explicit right of %(user)s to edit job descriptions on %(where)s was removed.")
            % {"user": _person(user), "where": where},
        )
        return redirect(self.request.path)


# History ---------------------------------------------------------------------------------


class JdHistoryView(ObjectHistoryView):
    """The change history of one version, for those who may see that version."""

    model = JobDescription

    def get_queryset(self):
        queryset = JobDescription.objects.select_related("post__department", "post__superior")
        jd = queryset.filter(pk=self.kwargs["pk"]).first()
        if jd is None or not permissions.can_view_jd(self.request.user, jd):
            return queryset.none()
        return queryset.filter(pk=jd.pk)
