"""Outside learning pages: the person's claims, the claim form, the evidence, verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from districts.scoping import scope_for

from ..models import JPConversion, OutsideLearning, TrainingProgram
from ..services import learning
from ..services.selectors import jp_progress
from . import selectors
from .learning_forms import ClaimForm, VerifyForm


@login_required
def my_learning(request):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    year = timezone.now().astimezone(person.district.tzinfo).year
    claims = learning.visible_claims(scope.as_self()).select_related("completion")
    context = {
        "person": person,
        "progress": jp_progress(person, year),
        "claims": claims,
        "to_verify": learning.claims_to_verify(scope).count(),
    }
    return render(request, "training/selfservice/learning_list.html", context)


@login_required
def claim(request):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    now = timezone.now()
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        today=now.astimezone(person.district.tzinfo).date(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = learning.submit_claim(
                person=person,
                method=data["method"],
                title=data["title"],
                institution=learning.institution_named(data["institution"]),
                competency_kind=data["competency_kind"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                hours=data["hours"],
                evidence=data["evidence"],
                now=now,
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your claim of %(jp)d JP was sent for verification.")
                % {"jp": created.jp_claimed},
            )
            return redirect("training:my_learning")
    conversions = {
        method: {"unit": unit, "jp": str(value)}
        for method, (unit, value) in learning.conversion_table(person.district_id).items()
    }
    labels = dict(TrainingProgram.Method.choices)
    units = dict(JPConversion.Unit.choices)
    rows = [
        {"label": labels[method], "jp": rule["jp"], "unit": units[rule["unit"]]}
        for method, rule in conversions.items()
    ]
    context = {
        "form": form,
        "conversions": conversions,
        "conversion_rows": rows,
        "minutes_per_jp": learning.minutes_per_jp(),
    }
    return render(request, "training/selfservice/learning_claim.html", context)


@login_required
@require_GET
def evidence(request, pk: int):
    """Serve a claim's certificate to those who may see the claim; 404 to anyone else."""
    found = learning.visible_claims(scope_for(request.user)).filter(pk=pk).first()
    if found is None or not found.evidence:
        raise Http404
    extension = found.evidence.name.rsplit(".", 1)[-1]
    response = FileResponse(
        found.evidence.open("rb"),
        content_type=found.evidence_type or "application/octet-stream",
        filename=f"bukti-{found.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def verify_list(request):
    scope = scope_for(request.user)
    if scope.person_id is None and not (scope.is_hr or scope.is_admin):
        raise Http404
    claims = learning.claims_to_verify(scope)
    return render(request, "training/selfservice/learning_verify_list.html", {"claims": claims})


@login_required
def verify(request, pk: int):
    scope = scope_for(request.user)
    found = learning.claims_to_verify(scope).filter(pk=pk).first()
    decided = found is None
    if decided:
        # Already decided (or never this user's to decide): show it read-only if visible.
        found = learning.visible_claims(scope).filter(pk=pk).first()
        if found is None:
            raise Http404
    form = VerifyForm(request.POST or None, initial={"jp_credited": found.jp_claimed})
    if request.method == "POST" and not decided and form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        try:
            if data["decision"] == "verify":
                learning.verify_claim(
                    claim=found, jp_credited=data["jp_credited"], now=now, actor=request.user
                )
                messages.success(request, _("The claim was verified."))
            else:
                learning.return_claim(
                    claim=found, reason=data["reason"], now=now, actor=request.user
                )
                messages.success(request, _("The claim was returned."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("training:learning_verify_list")
    context = {"claim": found, "form": form, "decided": decided, "Status": OutsideLearning.Status}
    return render(request, "training/selfservice/learning_verify.html", context)
