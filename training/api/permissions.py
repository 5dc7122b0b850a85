"""Who may call: a signed-in user (session or token); writes need a token with write scope."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from ..models import ApiToken


class PortalUser(permissions.BasePermission):
    """Signed in; a read-only token may only read."""

    message = _("This token may only read (its scope is read only).")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.can_write
