"""Password reset links: the same email whether the person asked or HR sent it."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .forms import NipPasswordResetForm, address_of

SUBJECT_TEMPLATE = "emails/password_reset_subject.txt"
BODY_TEMPLATE = "emails/password_reset.txt"


def email_context() -> dict:
    """Return what the reset email needs beyond Django's own context: the portal's address."""
    return {"base_url": settings.PORTAL_BASE_URL.rstrip("/")}


def send_reset_link(user) -> bool:
    """Email ``user`` a link to choose a new password; return False if no address is known."""
    to = address_of(user)
    if not to or not user.is_active:
        return False
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        **email_context(),
    }
    NipPasswordResetForm().send_mail(
        SUBJECT_TEMPLATE, BODY_TEMPLATE, context, None, to, html_email_template_name=None
    )
    return True
