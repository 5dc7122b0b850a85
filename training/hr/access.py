"""The HR side of the one scoping mechanism, for every HR view."""

from django.http import HttpRequest

from districts.scoping import Scope, scope_for


def hr_scope(request: HttpRequest) -> Scope:
    """Return the user's scope acting as HR staff, or raise Http404 for anyone else."""
    scope = scope_for(request.user)
    scope.require_hr()
    return scope.as_hr()
