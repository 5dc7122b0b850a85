"""Emails to the people enrolled in a session that was rescheduled or cancelled."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from training.models import TrainingSession

from .scheduling import enrolled_people

SUBJECTS = {
    "rescheduled": _("Training session rescheduled: %(title)s"),
    "cancelled": _("Training session cancelled: %(title)s"),
}


def send_session_change(*, session_id: int, change: str) -> int:
    """Email every enrolled person about ``change``; return how many were sent."""
    session = TrainingSession.objects.select_related("program", "district", "venue").get(
        pk=session_id
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for enrollment in enrolled_people(session):
            person = enrollment.civil_servant
            if not person.email:
                continue
            body = render_to_string(
                "emails/hr_session_changed.txt",
                {"session": session, "person": person, "change": change},
            )
            subject = str(SUBJECTS[change]) % {"title": session.program.title}
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]))
    return send_mass_mail(messages, fail_silently=False)
