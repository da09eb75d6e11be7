from django import template

from ..scoring import one_decimal

register = template.Library()


@register.filter
def score1(value):
    """A score or percentage shown to one decimal place; “–” when there is none."""
    rounded = one_decimal(value)
    return "–" if rounded is None else f"{rounded}"


@register.filter
def times100(value):
    return None if value is None else value * 100


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
