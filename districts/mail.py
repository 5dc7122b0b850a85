"""What every email of the portal carries, whoever sends it (the outbox, a password reset).

Plain text with an HTML alternative (the same words, escaped, readable on a
phone, no remote images), marked ``Auto-Submitted: auto-generated`` (RFC 3834:
no auto-replies, no vacation notices), with a Message-ID of the portal's domain.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe


def message_id_domain() -> str:
    """Return the domain of Message-IDs: ``EMAIL_MESSAGE_ID_DOMAIN``, else the portal's host."""
    return (
        settings.EMAIL_MESSAGE_ID_DOMAIN
        or urlsplit(settings.PORTAL_BASE_URL).hostname
        or "portal-asn.local"
    )


def automatic_headers() -> dict[str, str]:
    """Return the headers of a message the portal sends by itself."""
    return {
        "Auto-Submitted": "auto-generated",
        "Message-ID": make_msgid(domain=message_id_domain()),
    }


def html(subject: str, body: str) -> str:
    """Return the HTML alternative of a plain-text body (escaped, links made clickable)."""
    # Text templates render with autoescape off into a "safe" string; escape it
    # here, explicitly, before ``urlize`` (which trusts safe input) sees it.
    lines = escape(body).split("\n")
    # ``urlize`` works word by word, and a line break only separates words: line by
    # line it links the same, and the lines many messages share are linked once.
    linked = mark_safe("\n".join(_urlize_line(line) for line in lines))  # noqa: S308 - escaped
    return render_to_string("emails/message.html", {"subject": subject, "body": linked})


@functools.lru_cache(maxsize=4096)
def _urlize_line(line: str) -> str:
    return urlize(mark_safe(line), nofollow=True, autoescape=True)  # noqa: S308 - escaped above
