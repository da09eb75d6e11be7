"""Forms of the training module. They collect input; the services do the writing."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.forms import DateInput
from org.models import Department, Employee, Post, today

from .choices import AttendanceResult, CellStatus
from .models import Course, PlanItem, TrainingEvent, TrainingNeed
from .permissions import headed_branch_ids, manages_training


def current_employees():
    return Employee.objects.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today())).order_by("number")


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "code",
            "name",
            "kind",
            "aliases",
            "is_induction",
            "validity_months",
            "default_hours",
            "method",
            "assessment_method",
            "description",
        ]
        widgets = {"aliases": forms.Textarea(attrs={"rows": 3}), "description": forms.Textarea(attrs={"rows": 4})}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class HappenedForm(forms.Form):
    """When an event step really happened (实际发生时间); the service refuses a time in the
    future or before the step it follows."""

    happened_at = forms.DateTimeField(
        label=_("when it happened"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now. Enter the real time when recording a step late."),
    )


class CancelForm(HappenedForm, ReasonForm):
    pass


class NeedForm(forms.ModelForm):
    employees = forms.ModelMultipleChoiceField(
        label=_("employees"),
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = TrainingNeed
        fields = ["department", "course", "topic", "reason", "post", "employees", "due_date"]
        widgets = {"due_date": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.valid_on()
        posts = Post.objects.valid_on().select_related("department")
        employees = current_employees()
        if not manages_training(user):
            branch = headed_branch_ids(user)
            departments = departments.filter(pk__in=branch)
            posts = posts.filter(department_id__in=branch)
            employees = employees.filter(assignments__post__department_id__in=branch).distinct()
        self.fields["department"].queryset = departments
        self.fields["post"].queryset = posts
        self.fields["employees"].queryset = employees
        self.fields["course"].queryset = Course.objects.filter(is_active=True)
        self.fields["topic"].required = False
        self.fields["topic"].help_text = _("Empty: the course name.")

    def clean(self):
        data = super().clean()
        if not data.get("topic") and data.get("course"):
            data["topic"] = data["course"].name
        if not data.get("topic"):
            self.add_error("topic", _("Name a course or describe the topic."))
        return data


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, initial=lambda: today().year)
    title = forms.CharField(label=_("title"), max_length=200, required=False)


class PlanItemForm(forms.ModelForm):
    departments = forms.ModelMultipleChoiceField(
        label=_("audience: departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("audience: posts"),
        queryset=Post.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    employees = forms.ModelMultipleChoiceField(
        label=_("audience: employees"),
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = PlanItem
        fields = ["course", "content", "planned_month", "method", "trainer", "hours", "assessment_method", "budget"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True)
        self.fields["departments"].queryset = Department.objects.valid_on()
        self.fields["posts"].queryset = Post.objects.valid_on().select_related("department")
        self.fields["employees"].queryset = current_employees()
        if self.instance.pk:
            self.initial["departments"] = list(self.instance.audience_departments.all())
            self.initial["posts"] = list(self.instance.audience_posts.all())
            self.initial["employees"] = list(self.instance.audience_employees.all())


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RequiredCommentForm(forms.Form):
    comment = forms.CharField(label=_("what has to change"), widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("distributed to"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The departments that receive a controlled copy of the plan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.valid_on()
        self.initial.setdefault("departments", list(Department.objects.valid_on()))


class ReviseForm(forms.Form):
    change_description = forms.CharField(label=_("description of the change"), widget=forms.Textarea(attrs={"rows": 3}))


class EventForm(forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("attendees"),
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = TrainingEvent
        fields = [
            "course",
            "plan_item",
            "title",
            "date",
            "trainer",
            "location",
            "method",
            "hours",
            "assessment_method",
            "cost",
            "pass_score",
            "note",
        ]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import PLAN_IN_FORCE

        self.fields["course"].queryset = Course.objects.filter(is_active=True)
        self.fields["plan_item"].queryset = PlanItem.objects.filter(plan__status__in=PLAN_IN_FORCE).select_related(
            "plan"
        )
        self.fields["attendees"].queryset = current_employees()
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: the course name.")
        if self.instance.pk:
            del self.fields["attendees"]

    def clean(self):
        data = super().clean()
        if not data.get("title") and data.get("course"):
            data["title"] = data["course"].name
        return data


class InviteForm(forms.Form):
    employees = forms.ModelMultipleChoiceField(
        label=_("employees"), queryset=Employee.objects.none(), widget=forms.SelectMultiple(attrs={"size": 10})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].queryset = current_employees()


class EvidenceForm(forms.Form):
    evidence = forms.FileField(label=_("evidence (PDF, PNG or JPEG, at most 10 MB)"))


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("rating"),
        coerce=int,
        choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        help_text=_("5 = very useful, 1 = not useful."),
    )
    text = forms.CharField(label=_("comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


RESULT_CHOICES = AttendanceResult.choices


class MatrixFilterForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none(), required=False)
    post = forms.ModelChoiceField(label=_("post"), queryset=Post.objects.none(), required=False)
    course = forms.ModelChoiceField(label=_("course"), queryset=Course.objects.none(), required=False)
    status = forms.ChoiceField(label=_("status"), choices=[("", _("All"))] + list(CellStatus.choices), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import visible_department_ids

        ids = visible_department_ids(user)
        departments = Department.objects.valid_on()
        posts = Post.objects.valid_on()
        if ids is not None:
            departments = departments.filter(pk__in=ids)
            posts = posts.filter(department_id__in=ids)
        self.fields["department"].queryset = departments
        self.fields["post"].queryset = posts
        self.fields["course"].queryset = Course.objects.filter(is_active=True)
