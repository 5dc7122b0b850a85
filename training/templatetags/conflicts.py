"""Template tags of the conflicts area: the unread count and the HR session panel."""

from django import template

from ..notifications.selectors import session_conflict_panel, unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(person_id):
    """``{% unread_notifications portal_person_id as unread %}``."""
    return unread_count(person_id)


@register.inclusion_tag("training/conflicts/_session_panel.html")
def conflict_panel(session):
    """``{% conflict_panel session %}`` on the HR session page."""
    return {"panel": session_conflict_panel(session=session)}
