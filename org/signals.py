"""Signals the organisation sends so that higher apps can react without org importing them."""

from django.dispatch import Signal

#: Sent inside the transaction that closes a post; kwargs: ``post``, ``actor``.
post_closed = Signal()
