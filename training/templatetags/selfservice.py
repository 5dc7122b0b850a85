"""Template tags of the self-service area (the supervisor's card on the home page)."""

from django import template
from django.utils import timezone

from districts.scoping import scope_for

from ..selfservice.forms import DecisionForm
from ..selfservice.selectors import pending_requests

register = template.Library()


@register.inclusion_tag("training/selfservice/_pending_requests.html", takes_context=True)
def supervisor_requests(context):
    """Render the enrolment requests awaiting the signed-in supervisor's decision."""
    request = context["request"]
    scope = scope_for(request.user)
    requests = []
    if scope.person_id:
        requests = list(
            scope.as_supervisor().filter(pending_requests(scope.person_id, now=timezone.now()))
        )
    return {"requests": requests, "form": DecisionForm(), "request": request}
