"""What every message is made of, and how it is delivered by email.

Every email goes out as plain text with an HTML alternative (the same words,
escaped, readable on a phone, no remote images), marked ``Auto-Submitted:
auto-generated`` (RFC 3834: no auto-replies, no vacation notices), with a
Reply-To of the district's HR mailbox and a Message-ID of the portal's domain.
A batch of messages goes over one connection to the mail server (:class:`Mailer`).
"""

import contextlib
import dataclasses
import functools

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

from districts import mail


@dataclasses.dataclass
class Message:
    subject: str
    body: str
    to: list[str]
    url: str
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    attachments: list[tuple[str, bytes, str]] = dataclasses.field(default_factory=list)
    # Where a reply goes (the district's HR mailbox); empty: DEFAULT_FROM_EMAIL.
    reply_to: list[str] = dataclasses.field(default_factory=list)
    # The outbox rows the message tells of (a digest's); None: all it was composed from.
    rows: list[int] | None = None
    # The subject and body in the portal's other languages, for the notification.
    translations: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)


def link(name: str, *args) -> str:
    """Return the absolute address of the named page, for an email."""
    return _link(settings.PORTAL_BASE_URL, get_script_prefix(), get_urlconf(), name, args)


@functools.lru_cache(maxsize=4096)
def _link(base: str, prefix: str, urlconf, name: str, args: tuple) -> str:
    # Remembered: a batch of messages links the same pages many times, in each language.
    return base + reverse(name, args=args)


def to(person) -> list[str]:
    """Return the person's address as a recipient list (empty when they have none)."""
    return [person.email] if person.email else []


def hr_mailbox(district) -> str:
    """Return the district's HR mailbox, for replies; the portal's sender when it has none."""
    return district.hr_email or settings.DEFAULT_FROM_EMAIL


class Mailer:
    """One connection to the mail server for many messages (``with Mailer() as mailer``).

    The connection (``settings.EMAIL_BACKEND``'s) is opened at the first
    message. A message that fails closes it; the next one opens a new one, so
    one broken conversation fails one message, not the rest of the batch.
    """

    def __init__(self):
        self.backend = get_connection()
        self.opened = False

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, email: EmailMultiAlternatives) -> int:
        if not self.opened:
            self.backend.open()
            self.opened = True
        try:
            return self.backend.send_messages([email])
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.opened:
            self.opened = False
            # The conversation is over either way (a broken connection fails to QUIT).
            with contextlib.suppress(Exception):
                self.backend.close()


def deliver(message: Message, mailer: Mailer | None = None) -> int:
    """Send the email (nothing when the person has no address); return messages sent.

    With ``mailer`` it goes over that connection; without, over a connection of its own.
    """
    if not message.to:
        return 0
    # A title stored before single-line text was enforced must not break the
    # header (BadHeaderError would fail the reminder on every retry).
    subject = " ".join(message.subject.split())
    headers = {**mail.automatic_headers(), **message.headers}
    email = EmailMultiAlternatives(
        subject=subject,
        body=message.body,
        to=message.to,
        reply_to=message.reply_to or [settings.DEFAULT_FROM_EMAIL],
        headers=headers,
    )
    # In the language the body was composed in (the outbox composes in the site's).
    with translation.override(settings.LANGUAGE_CODE):
        email.attach_alternative(mail.html(subject, message.body), "text/html")
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    if mailer is None:
        return email.send()
    return mailer.send(email)
