"""Forms of the organisation app. They collect input; the services do the writing."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Department, Employee, Post, PostRelation, today
from .permissions import restrict_departments


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_WIDGETS = {name: DateInput() for name in ("valid_from", "valid_to", "hire_date", "leaving_date", "start", "end")}


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "parent", "head_post", "purpose", "functions", "sort_order", "valid_from"]
        widgets = DATE_WIDGETS | {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "functions": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Department.objects.valid_on()
        if self.instance.pk:
            self.fields["head_post"].queryset = self.instance.posts.valid_on()
        else:
            # A new department has no posts yet: its head post is chosen once they exist.
            del self.fields["head_post"]


class CloseForm(forms.Form):
    valid_to = forms.DateField(label=_("last day"), widget=DateInput(), initial=today)
    reason = forms.CharField(label=_("reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "code",
            "title",
            "department",
            "superior",
            "headcount",
            "grade",
            "is_special",
            "required_qualification",
            "rotation_posts",
            "sort_order",
            "valid_from",
        ]
        widgets = DATE_WIDGETS | {"rotation_posts": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = restrict_departments(Department.objects.valid_on(), user)
        valid_posts = Post.objects.valid_on().select_related("department")
        if self.instance.pk:
            valid_posts = valid_posts.exclude(pk=self.instance.pk)
        self.fields["superior"].queryset = valid_posts
        self.fields["rotation_posts"].queryset = valid_posts


class PostRelationForm(forms.ModelForm):
    class Meta:
        model = PostRelation
        fields = ["target", "kind", "note", "valid_from"]
        widgets = DATE_WIDGETS

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Post.objects.valid_on().exclude(pk=post.pk).select_related("department")


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["number", "name", "user", "email", "phone", "hire_date"]
        widgets = DATE_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        free = get_user_model().objects.filter(employee__isnull=True)
        if self.instance.user_id:
            free = get_user_model().objects.filter(Q(employee__isnull=True) | Q(pk=self.instance.user_id))
        self.fields["user"].queryset = free.order_by("username")


class LeaveForm(forms.Form):
    leaving_date = forms.DateField(label=_("leaving date"), widget=DateInput(), initial=today)
    reason = forms.CharField(label=_("reason for leaving"), max_length=300)


class AssignmentForm(forms.ModelForm):
    qualification_exception_reason = forms.CharField(
        label=_("qualification exception: reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only for a special post whose qualification the employee does not hold yet: why they may "
            "take it up anyway. Kept in the history."
        ),
    )

    class Meta:
        model = Assignment
        fields = ["employee", "kind", "start", "end", "note"]
        widgets = DATE_WIDGETS

    def __init__(self, *args, may_grant_exception=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=today())
        )
        if not may_grant_exception:
            # Only HR may let someone take up a special post without its qualification.
            del self.fields["qualification_exception_reason"]


class AssignmentEndForm(forms.Form):
    end = forms.DateField(label=_("last day held"), widget=DateInput(), initial=today)
    reason = forms.CharField(label=_("reason for ending"), max_length=300)


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("user"), queryset=get_user_model().objects.filter(is_active=True).order_by("username")
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("as of"), required=False, widget=DateInput())
    q = forms.CharField(label=_("search"), required=False, max_length=100)
    root = forms.IntegerField(required=False, widget=forms.HiddenInput())
