"""Template tags of the HR area: the card on the home page."""

import datetime

from django import template
from django.utils import timezone

from districts.scoping import scope_for

from ..hr.selectors import home_summary

register = template.Library()


@register.inclusion_tag("training/hr/_home_card.html")
def hr_home_card(user):
    """``{% hr_home_card user %}``: the HR officer's next sessions and open work."""
    scope = scope_for(user)
    if not (scope.is_hr or scope.is_admin):
        return {"summary": None}
    now = timezone.now()
    return {
        "summary": home_summary(scope.as_hr(), now=now, until=now + datetime.timedelta(days=30))
    }
