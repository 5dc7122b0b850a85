"""Log in with a NIP (spaces allowed) or, for administrators, a username."""

from django.contrib.auth.backends import ModelBackend

from .nip import normalize_nip


class NipOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            compact = normalize_nip(username)
            if compact.isdigit():
                username = compact
        return super().authenticate(request, username=username, password=password, **kwargs)
