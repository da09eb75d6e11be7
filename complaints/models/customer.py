"""Customers (客户) and their contact people."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import Language


class Customer(models.Model):
    """A customer (客户) in the customer register. Never deleted: set inactive with a reason."""

    code = models.CharField(_("customer code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.CHINESE)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    account_owner = models.ForeignKey(
        "org.Employee",
        verbose_name=_("account owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customer_accounts",
        help_text=_("Our employee who looks after this customer."),
    )
    active = models.BooleanField(_("active"), default=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("complaints:customer_detail", args=[self.pk])


class CustomerContact(models.Model):
    """A contact person (客户联系人) at a customer."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self):
        return f"{self.name} ({self.customer.code})"
