"""The approval queue shared by supervisors and HR: its filters, its bulk decision, one helper.

Requests are filtered (name or NIP, program, session, only those with a
clash), shown with what the decider needs (the person's clash, the seats
left, their JP shortfall), and approved or rejected together; rejecting
needs a reason. The views (supervisor's, HR's) pass in their scoped requests.
"""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Enrollment, TrainingProgram
from . import enrollment as enrollment_service
from .selectors import approval_queue


class ApprovalFilterForm(forms.Form):
    """Filters of an approval queue (supervisor's or HR's)."""

    q = forms.CharField(label=gettext_lazy("Name or NIP"), required=False, max_length=100)
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"), required=False, queryset=TrainingProgram.objects.none()
    )
    clash_only = forms.BooleanField(
        label=gettext_lazy("Only with a schedule clash"), required=False
    )
    session = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["program"].empty_label = gettext_lazy("All")
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "approval-filters"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-12 col-md-4"),
                Column("program", css_class="col-12 col-md-4"),
                Column("clash_only", css_class="col-12 col-md-2 pt-md-4"),
                Column(
                    StrictButton(
                        gettext_lazy("Filter"), type="submit", css_class="btn-primary mt-md-4"
                    ),
                    css_class="col-12 col-md-2",
                ),
            ),
            "session",
        )

    def apply(self, requests):
        """Return ``requests`` narrowed by the valid filters (all of them otherwise)."""
        if not self.is_valid():
            return requests
        data = self.cleaned_data
        if data["q"].strip():
            text = data["q"].strip()
            digits = "".join(ch for ch in text if ch.isdigit())
            condition = Q(civil_servant__name__icontains=text)
            if digits:
                condition |= Q(civil_servant__nip__contains=digits)
            requests = requests.filter(condition)
        if data["program"]:
            requests = requests.filter(session__program=data["program"])
        if data["session"]:
            requests = requests.filter(session_id=data["session"])
        return requests


class BulkDecisionForm(forms.Form):
    """Approve or reject the ticked requests of a queue; rejecting needs a reason."""

    requests = forms.MultipleChoiceField(
        label=gettext_lazy("Requests"),
        error_messages={"required": gettext_lazy("Tick at least one request.")},
    )
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))]
    )
    note = forms.CharField(
        label=gettext_lazy("Reason or note to the employees"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required to reject; sent to the employees with the decision."),
    )

    def __init__(self, *args, request_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].choices = [(str(pk), str(pk)) for pk in request_ids]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", gettext_lazy("Give a reason for rejecting the request."))
        return data


def handle(request, requests) -> tuple[dict, bool]:
    """Filter ``requests`` (scoped by the caller), apply a posted decision, return the context.

    The second value is True when a decision was applied and the caller should
    redirect (post/redirect/get).
    """

    now = timezone.now()
    pending = requests.filter(status=Enrollment.Status.REQUESTED, session__start__gt=now)
    programs = TrainingProgram.objects.filter(pk__in=pending.values("session__program")).order_by(
        "title"
    )
    filters = ApprovalFilterForm(request.GET or None, programs=programs)
    rows = approval_queue(filters.apply(pending), now=now)
    if filters.is_valid() and filters.cleaned_data["clash_only"]:
        rows = [row for row in rows if row["clashes"]]
    ids = [row["enrollment"].pk for row in rows]
    decision = BulkDecisionForm(request.POST if request.method == "POST" else None, request_ids=ids)
    if request.method == "POST" and decision.is_valid():
        chosen = set(map(int, decision.cleaned_data["requests"]))
        done, failed = enrollment_service.decide_requests(
            enrollments=[row["enrollment"] for row in rows if row["enrollment"].pk in chosen],
            approve=decision.cleaned_data["decision"] == "approve",
            actor=request.user,
            now=now,
            note=decision.cleaned_data["note"].strip(),
        )
        if done:
            text = (
                _("%(count)d requests approved.")
                if decision.cleaned_data["decision"] == "approve"
                else _("%(count)d requests rejected.")
            )
            messages.success(request, text % {"count": len(done)})
        for enrollment, reason in failed:
            messages.error(request, f"{enrollment.civil_servant.full_name}: {reason}")
        return {}, True
    return {"filters": filters, "decision": decision, "rows": rows}, False
