"""Signals the responsibilities app sends so that higher apps (training) can react without
this app importing them."""

from django.dispatch import Signal

#: Sent after the transaction in which a job description version became effective commits;
#: kwargs: ``jd`` (the JobDescription), ``actor`` (may be ``None`` for the daily command).
jd_effective = Signal()
