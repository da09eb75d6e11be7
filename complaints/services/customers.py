"""Writes to the customer register."""

from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Customer, CustomerContact
from .common import require, require_text, save_with_history

CUSTOMER_FIELDS = ("code", "name", "name_en", "language", "email", "phone", "address", "account_owner", "note")
CONTACT_FIELDS = ("name", "role", "phone", "email", "is_primary")


def _check(actor):
    require(
        permissions.can_manage_customers(actor),
        _("Only sales, the quality manager and administrators keep the customer register."),
    )


@transaction.atomic
def customer_create(*, actor, **fields) -> Customer:
    """Add a customer to the register."""
    _check(actor)
    customer = Customer(**{k: v for k, v in fields.items() if k in CUSTOMER_FIELDS})
    return save_with_history(customer, actor=actor)


@transaction.atomic
def customer_update(*, actor, customer: Customer, **fields) -> Customer:
    _check(actor)
    for name, value in fields.items():
        if name in CUSTOMER_FIELDS:
            setattr(customer, name, value)
    return save_with_history(customer, actor=actor)


@transaction.atomic
def customer_end(*, actor, customer: Customer, reason: str) -> Customer:
    """Take a customer out of use (never deleted: its complaints keep pointing at it)."""
    _check(actor)
    customer.end_reason = require_text(reason, "end_reason", _("Give a reason."))
    customer.active = False
    return save_with_history(customer, actor=actor, reason=reason)


@transaction.atomic
def customer_reactivate(*, actor, customer: Customer) -> Customer:
    _check(actor)
    customer.active = True
    customer.end_reason = ""
    return save_with_history(customer, actor=actor)


@transaction.atomic
def contact_save(*, actor, customer: Customer, contact: CustomerContact | None = None, **fields) -> CustomerContact:
    """Add or change a contact person; a new primary contact replaces the old one."""
    _check(actor)
    contact = contact or CustomerContact(customer=customer)
    for name, value in fields.items():
        if name in CONTACT_FIELDS:
            setattr(contact, name, value)
    save_with_history(contact, actor=actor)
    if contact.is_primary:
        for other in customer.contacts.filter(is_primary=True).exclude(pk=contact.pk):
            other.is_primary = False
            save_with_history(other, actor=actor)
    return contact
