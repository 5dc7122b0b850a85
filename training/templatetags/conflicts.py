"""Template tags of the conflicts area: the unread count and the HR session panel."""

from django import template
from django.utils import timezone

from ..notifications.selectors import session_conflict_panel, unread_count
from ..services.conflicts import conflicts_for_person

register = template.Library()


@register.simple_tag
def unread_notifications(person_id):
    """``{% unread_notifications portal_person_id as unread %}``."""
    return unread_count(person_id)


@register.inclusion_tag("training/conflicts/_session_panel.html")
def conflict_panel(session):
    """``{% conflict_panel session %}`` on the HR session page."""
    return {"panel": session_conflict_panel(session=session)}


@register.inclusion_tag("training/conflicts/_home_card.html")
def conflicts_home_card(person_id):
    """``{% conflicts_home_card person.pk %}`` on the home page."""
    found = conflicts_for_person(person_id=person_id, now=timezone.now())
    return {"open_count": len({c.enrollment_id for c in found if not c.resolved})}


@register.simple_tag
def conflict_when(conflict, district):
    """``{% conflict_when conflict session.district %}``: a holiday's date or the other range."""
    return conflict.when(district.time_zone)
