"""Login with rate limiting; the rest of auth is Django's own views."""

from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from .forms import LoginForm


@method_decorator(ratelimit(key="ip", rate="20/5m", method="POST", block=True), name="post")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True
