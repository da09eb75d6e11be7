"""Hooks that higher apps register to take part in the organisation's services, so that
org never imports them (e.g. training's qualification gate for special posts).

Each function in ``ASSIGNMENT_CHECKS`` is called as
``check(assignment, *, actor, exception_reason)`` inside the transaction that records an
assignment, after the row is saved. Raising ``ValidationError`` refuses the assignment and
rolls everything back; ``exception_reason`` is what HR entered to allow an exception.
"""

from collections.abc import Callable

ASSIGNMENT_CHECKS: list[Callable] = []


def run_assignment_checks(assignment, *, actor, exception_reason="") -> None:
    for check in ASSIGNMENT_CHECKS:
        check(assignment, actor=actor, exception_reason=exception_reason)
