"""Login (throttled in its form) and password reset; the rest is Django's own views."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from . import passwords
from .forms import LoginForm, NipPasswordResetForm
from .nip import normalize_nip


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", "throttled"):
            response.status_code = 429
        return response


def _reset_target(group, request) -> str:
    return normalize_nip(request.POST.get("email", "")).casefold()[:254]


# A reset request sends an email: a few per address, and per NIP or email, an hour.
@method_decorator(ratelimit(key="ip", rate="20/h", method="POST", block=True), name="post")
@method_decorator(ratelimit(key=_reset_target, rate="5/h", method="POST", block=True), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by NIP or email; the next page reads the same either way."""

    form_class = NipPasswordResetForm
    subject_template_name = passwords.SUBJECT_TEMPLATE
    email_template_name = passwords.BODY_TEMPLATE
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = passwords.email_context()
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
