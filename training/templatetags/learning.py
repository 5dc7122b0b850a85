"""Template tags of outside learning and evaluation: the home page's card of things to rate."""

from django import template

from districts.scoping import scope_for

from ..services import learning

register = template.Library()


@register.inclusion_tag("training/selfservice/_learning_home_card.html")
def learning_home_card(user):
    """``{% learning_home_card user %}``: claims this user may verify (supervisor or HR)."""
    claims = learning.claims_to_verify(scope_for(user))
    return {"claims": list(claims[:5]), "claim_count": claims.count()}
