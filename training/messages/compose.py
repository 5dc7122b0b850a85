"""What every message is made of, and how it is delivered by email."""

import dataclasses

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse


@dataclasses.dataclass
class Message:
    subject: str
    body: str
    to: list[str]
    url: str
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    attachments: list[tuple[str, bytes, str]] = dataclasses.field(default_factory=list)


def link(name: str, *args) -> str:
    """Return the absolute address of the named page, for an email."""
    return settings.PORTAL_BASE_URL + reverse(name, args=args)


def to(person) -> list[str]:
    """Return the person's address as a recipient list (empty when they have none)."""
    return [person.email] if person.email else []


def deliver(message: Message) -> int:
    """Send the email (nothing when the person has no address); return messages sent."""
    if not message.to:
        return 0
    # A title stored before single-line text was enforced must not break the
    # header (BadHeaderError would fail the reminder on every retry).
    subject = " ".join(message.subject.split())
    email = EmailMessage(subject=subject, body=message.body, to=message.to, headers=message.headers)
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    return email.send()
