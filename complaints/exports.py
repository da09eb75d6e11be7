"""Printed records of the complaints app: the complaint record (客户投诉记录表) and the CAR
report (改善行动报告), as PDF bytes built from the same data the pages show."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.pdf import STATIC_SCHEME, render_pdf

from .models import Capa, Complaint

STYLESHEET = f"{STATIC_SCHEME}css/complaints-print.css"


def _common():
    return {"company": settings.QMS_COMPANY_NAME, "printed_at": timezone.localtime(), "stylesheet": STYLESHEET}


def complaint_pdf(complaint: Complaint) -> bytes:
    """The complaint record with its steps, timeline, containment, root cause, CAPAs and reply."""
    complaint = (
        Complaint.objects.select_related(
            "customer", "customer_contact", "registered_by", "quality_owner", "registering_department"
        )
        .prefetch_related("capas", "responsible_departments")
        .get(pk=complaint.pk)
    )
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "complaints/complaint_pdf.html",
            {
                **_common(),
                "complaint": complaint,
                "steps": complaint.steps.select_related("assignee", "completed_by").order_by("opened_at", "pk"),
                "events": complaint.events.select_related("actor").order_by("at", "pk"),
                "attachments": complaint.attachments.all(),
                "trainings": complaint.trainings.select_related("department"),
                "follow_ups": complaint.follow_ups.select_related("called_by"),
            },
        )
    return render_pdf(html)


def capa_pdf(capa: Capa) -> bytes:
    """The CAR report: problem, root cause, actions with evidence, effectiveness checks, closure."""
    capa = Capa.objects.select_related("department", "owner", "created_by", "closed_by").get(pk=capa.pk)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "complaints/capa_pdf.html",
            {
                **_common(),
                "capa": capa,
                "complaints": capa.complaints.select_related("customer"),
                "actions": capa.actions.select_related("owner", "completed_by"),
                "checks": capa.checks.select_related("assignee", "verified_by"),
                "trainings": capa.trainings.select_related("department"),
                "events": capa.events.select_related("actor"),
            },
        )
    return render_pdf(html)
