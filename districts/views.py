"""Login, rate limited per client address and per NIP; the rest is Django's own views."""

from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from .forms import LoginForm
from .ratelimit import login_name


@method_decorator(ratelimit(key="ip", rate="60/5m", method="POST", block=True), name="post")
@method_decorator(ratelimit(key=login_name, rate="10/5m", method="POST", block=True), name="post")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True
