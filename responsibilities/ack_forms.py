"""Acknowledgements of job descriptions: the paper-sheet form HR fills in, and the reminder
e-mail to those who have not read the effective version yet.

The reminders themselves are sent by ``services.send_acknowledgement_reminders``.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.models import Assignment, Employee, today

from .choices import DocumentStatus
from .models import JobDescription


class JobDescriptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.post.title} · {obj.document_number} {obj.version_label}"


class PaperAcknowledgementForm(forms.Form):
    """Who signed which effective job description on paper, and when (the service checks the
    time: not in the future, not before the version took effect).

    The job description is the effective version of one of the employee's current posts:
    with a single post it is found without asking; with several, HR picks the one signed.
    """

    employee = forms.ModelChoiceField(
        label=gettext_lazy("Employee"),
        queryset=Employee.objects.none(),
        help_text=gettext_lazy("Staff without a login sign a printed copy; HR records it here."),
    )
    job_description = JobDescriptionChoiceField(
        label=gettext_lazy("Job description signed"),
        queryset=JobDescription.objects.none(),
        required=False,
        help_text=gettext_lazy("Needed only when the employee holds several posts."),
    )
    signed_at = forms.DateTimeField(
        label=gettext_lazy("When it was signed"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Leave empty for now. Not in the future, nor before the job description took effect."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        held = Assignment.objects.current().values("employee_id")
        self.fields["employee"].queryset = (
            Employee.objects.filter(pk__in=held)
            .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today()))
            .order_by("name", "number")
        )
        posts = Assignment.objects.current().values("post_id")
        self.fields["job_description"].queryset = (
            JobDescription.objects.filter(status=DocumentStatus.EFFECTIVE, post_id__in=posts)
            .select_related("post")
            .order_by("post__department__sort_order", "post__sort_order", "post__code")
        )

    def clean(self):
        cleaned = super().clean()
        employee = cleaned.get("employee")
        if employee is None:
            return cleaned
        post_ids = set(Assignment.objects.current().filter(employee=employee).values_list("post_id", flat=True))
        candidates = list(
            JobDescription.objects.filter(status=DocumentStatus.EFFECTIVE, post_id__in=post_ids).select_related("post")
        )
        chosen = cleaned.get("job_description")
        if not candidates:
            raise forms.ValidationError(
                _("%(name)s holds no post with an effective job description.") % {"name": employee.name}
            )
        if chosen is None:
            if len(candidates) > 1:
                self.add_error(
                    "job_description",
                    _("%(name)s holds several posts: choose the job description that was signed.")
                    % {"name": employee.name},
                )
                return cleaned
            cleaned["job_description"] = candidates[0]
        elif chosen.pk not in {jd.pk for jd in candidates}:
            self.add_error(
                "job_description",
                _("This is not the job description of a post %(name)s holds today.") % {"name": employee.name},
            )
        return cleaned
