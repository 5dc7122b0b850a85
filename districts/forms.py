import logging

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from . import mail, ratelimit
from .logos import checked_logo
from .models import District
from .nip import normalize_nip

logger = logging.getLogger(__name__)


class ThrottledLoginMixin:
    """Refuse a login while its NIP and address are slowed down; count failures only."""

    def clean(self):
        wait = ratelimit.login_wait(self.request)
        if wait:
            raise ValidationError(ratelimit.wait_message(wait), code="throttled")
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                ratelimit.record_login_failure(self.request)
            raise


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Please enter a correct NIP (or username) and password."),
    }
    username = forms.CharField(
        label=_("NIP or username"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}
        ),
        help_text=_("Civil servants log in with their 18-digit NIP; spaces are allowed."),
    )


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login, under the same throttle as the portal's."""


class NipPasswordResetForm(PasswordResetForm):
    """Ask for a reset link by NIP (or username) or by email; the answer never tells which exist."""

    email = forms.CharField(
        label=_("NIP or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
        help_text=_("The link is sent to the email address the portal has for you."),
    )

    def get_users(self, email):
        """Return the active users with a usable password that the NIP, username or email names."""
        typed = email.strip()
        compact = normalize_nip(typed)
        match = Q(username=compact if compact.isdigit() else typed)
        if "@" in typed:
            match |= Q(email__iexact=typed) | Q(civil_servant__email__iexact=typed)
        # Imported people have no password yet: the link is how they choose one.
        users = get_user_model()._default_manager.filter(match, is_active=True)
        for user in users.select_related("civil_servant"):
            if address_of(user):
                yield user

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Send to the civil servant's address, which Django's flow does not know of.

        Like every email of the portal (``districts.mail``): an HTML alternative,
        ``Auto-Submitted``, a Message-ID of the portal's domain, and replies to the
        person's district HR mailbox.
        """
        user = context["user"]
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        person = getattr(user, "civil_servant", None)
        hr_email = person.district.hr_email if person is not None else ""
        email = EmailMultiAlternatives(
            subject,
            body,
            from_email,
            [address_of(user)],
            reply_to=[hr_email or settings.DEFAULT_FROM_EMAIL],
            headers=mail.automatic_headers(),
        )
        email.attach_alternative(mail.html(subject, body), "text/html")
        try:
            email.send()
        except Exception:
            # As Django's own form: a mail server down must not tell who exists.
            logger.exception("Failed to send password reset email to %s", user.pk)


def address_of(user) -> str:
    person = getattr(user, "civil_servant", None)
    return (person.email if person and person.email else user.email) or ""


class DistrictAdminForm(forms.ModelForm):
    """The admin's district form: an uploaded logo is checked by its content, as HR's is."""

    class Meta:
        model = District
        # The admin's form of the whole model (it decides which fields to show).
        fields = "__all__"  # noqa: DJ007

    def clean_agency_logo(self):
        logo = self.cleaned_data.get("agency_logo")
        if isinstance(logo, UploadedFile):
            checked_logo(logo)
            logo.seek(0)
        return logo
