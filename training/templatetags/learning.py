"""Template tags of outside learning and evaluation: the home page's card of things to rate."""

from django import template

from districts.scoping import scope_for

from ..services import evaluation, learning

register = template.Library()


@register.inclusion_tag("training/selfservice/_learning_home_card.html")
def learning_home_card(user):
    """``{% learning_home_card user %}``: claims to verify and trainings to rate (L3)."""
    scope = scope_for(user)
    claims = learning.claims_to_verify(scope)
    follow_ups = evaluation.behaviour_to_answer(scope)
    return {
        "claims": list(claims[:5]),
        "claim_count": claims.count(),
        "follow_ups": list(follow_ups[:5]),
        "follow_up_count": follow_ups.count(),
    }


@register.inclusion_tag("training/hr/_evaluation_panel.html")
def evaluation_panel(session):
    """``{% evaluation_panel session %}`` on the HR session page: L1 and L2 in short."""
    enrollments = session.enrollments.all()
    return {
        "session": session,
        "reaction": evaluation.reaction(enrollments),
        "gain": evaluation.learning_gain(enrollments),
        "min_responses": evaluation.MIN_RESPONSES,
    }
