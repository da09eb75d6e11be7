"""The customer register: list, detail, create, edit, end and contacts. Customer data follows
the complaint rules (``selectors.visible_customers``); sales, the quality manager and
administrators edit it (403 for the others)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from org.permissions import RoleRequiredMixin

from .. import forms, permissions, selectors, services
from ..models import CustomerContact
from .common import PAGE_SIZE, apply_error, querystring_without_page


class CustomerListView(RoleRequiredMixin, TemplateView):
    template_name = "complaints/customer_list.html"

    def test_permission(self, user):
        return permissions.can_use_complaints(user)

    def get_context_data(self, **kwargs):
        q = self.request.GET.get("q", "").strip()
        qs = selectors.visible_customers(self.request.user).select_related("account_owner")
        if q:
            qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
        if self.request.GET.get("inactive") != "1":
            qs = qs.filter(active=True)
        qs = qs.annotate(complaint_count=Count("complaints")).order_by("code")
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            customers=page.object_list,
            q=q,
            show_inactive=self.request.GET.get("inactive") == "1",
            querystring=querystring_without_page(self.request),
            can_manage=permissions.can_manage_customers(self.request.user),
            **kwargs,
        )


class CustomerDetailView(TemplateView):
    template_name = "complaints/customer_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        customer = get_object_or_404(
            selectors.visible_customers(user).select_related("account_owner"), pk=self.kwargs["pk"]
        )
        return super().get_context_data(
            customer=customer,
            contacts=customer.contacts.all(),
            complaints=selectors.visible_complaints(user).filter(customer=customer).order_by("-received_at")[:50],
            can_manage=permissions.can_manage_customers(user),
            can_register=permissions.can_register_complaint(user),
            contact_form=forms.ContactForm(prefix="contact"),
            end_form=forms.ReasonForm(prefix="end"),
            **kwargs,
        )


class CustomerManageMixin(RoleRequiredMixin):
    def test_permission(self, user):
        return permissions.can_manage_customers(user)


class CustomerCreateView(CustomerManageMixin, TemplateView):
    template_name = "complaints/customer_form.html"

    def get(self, request, pk=None):
        customer = get_object_or_404(selectors.visible_customers(request.user), pk=pk) if pk else None
        return self.render_to_response({"form": forms.CustomerForm(instance=customer), "customer": customer})

    def post(self, request, pk=None):
        customer = get_object_or_404(selectors.visible_customers(request.user), pk=pk) if pk else None
        form = forms.CustomerForm(request.POST, instance=customer)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                if customer:
                    customer = services.customer_update(actor=request.user, customer=customer, **fields)
                else:
                    customer = services.customer_create(actor=request.user, **fields)
            except ValidationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Customer saved."))
                return redirect(customer)
        return self.render_to_response({"form": form, "customer": customer})


class CustomerContactView(CustomerManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, contact_pk=None):
        customer = get_object_or_404(selectors.visible_customers(request.user), pk=pk)
        contact = get_object_or_404(CustomerContact, pk=contact_pk, customer=customer) if contact_pk else None
        form = forms.ContactForm(request.POST, prefix="contact", instance=contact)
        if form.is_valid():
            try:
                services.contact_save(actor=request.user, customer=customer, contact=contact, **form.cleaned_data)
            except ValidationError as error:
                apply_error(None, error, request)
            else:
                messages.success(request, _("Contact saved."))
        else:
            messages.error(
                request,
                _("Check the contact: %(errors)s")
                % {
                    "errors": "; ".join(
                        f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                        for f, e in form.errors.items()
                    )
                },
            )
        return redirect(customer)


class CustomerEndView(CustomerManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        customer = get_object_or_404(selectors.visible_customers(request.user), pk=pk)
        if not customer.active:
            services.customer_reactivate(actor=request.user, customer=customer)
            messages.success(request, _("Customer active again."))
            return redirect(customer)
        form = forms.ReasonForm(request.POST, prefix="end")
        if form.is_valid():
            try:
                services.customer_end(actor=request.user, customer=customer, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_error(None, error, request)
            else:
                messages.success(request, _("Customer taken out of use."))
        else:
            messages.error(request, _("Give a reason."))
        return redirect(customer)
