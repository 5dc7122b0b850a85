"""Template context shared by every page: the user's roles for the navigation."""

from .scoping import is_supervisor, scope_for


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "portal_scope": scope,
        "portal_is_hr": scope.is_hr or scope.is_admin,
        "portal_is_supervisor": is_supervisor(scope.person_id),
        "portal_person_id": scope.person_id,
    }
