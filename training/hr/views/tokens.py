"""Personal API tokens: create (the secret shown once), list, revoke."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from training.services import api_tokens

from ..access import hr_scope
from ..token_forms import TokenForm


@login_required
@never_cache
def token_list(request):
    scope = hr_scope(request)
    now = timezone.now()
    districts = scope.districts() if request.user.is_superuser else None
    form = TokenForm(request.POST or None, districts=districts)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = request.user
        if data.get("district"):
            owner = api_tokens.create_service_account(
                district=data["district"], name=data["name"], actor=request.user
            )
        token, secret = api_tokens.create_token(
            user=owner,
            name=data["name"],
            scope=data["scope"],
            expires_at=now + datetime.timedelta(days=data["lifetime"]),
            actor=request.user,
            district=data.get("district"),
        )
        form = TokenForm(districts=districts)
    tokens = api_tokens.tokens_visible_to(request.user)
    person = getattr(request.user, "civil_servant", None)
    zone = person.district.time_zone if person is not None else settings.TIME_ZONE
    context = {"form": form, "tokens": tokens, "secret": secret, "now": now, "zone": zone}
    return render(request, "training/hr/token_list.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    hr_scope(request)
    token = get_object_or_404(api_tokens.tokens_visible_to(request.user), pk=pk)
    if api_tokens.revoke_token(token=token, actor=request.user, now=timezone.now()):
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("training:hr-tokens")
