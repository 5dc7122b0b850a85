"""Personal API tokens: create (shown once), check, revoke; service accounts for one district.

A token is ``asn_`` and 40 random URL-safe characters. Only its SHA-256 digest
is stored (the secret has 240 bits of entropy, so a fast hash is enough and
lets a request be checked by one indexed lookup), with its first characters
for lists. A token acts as its owner, through the owner's scope
(``districts.scoping``); a service account is a login without a password
that is HR staff of exactly one district.
"""

import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from districts.models import District
from districts.scoping import HR_GROUP

from ..models import ApiToken, AuditEntry
from . import audit

PREFIX = "asn_"
MAX_LIFETIME = datetime.timedelta(days=366)
# Last use is written at most this often per token (not once per request).
LAST_USE_EVERY = datetime.timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _audit_district(user, token: ApiToken) -> int | None:
    if token.district_id:
        return token.district_id
    person = getattr(user, "civil_servant", None)
    if person is not None:
        return person.district_id
    return user.managed_districts.values_list("pk", flat=True).first()


def create_token(
    *,
    user,
    name: str,
    scope: str,
    expires_at: datetime.datetime,
    actor,
    district: District | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and its secret (the only time it is seen)."""
    raw = PREFIX + secrets.token_urlsafe(30)
    token = ApiToken(
        user=user,
        district=district,
        name=name,
        prefix=raw[:10],
        digest=digest(raw),
        scope=scope,
        expires_at=expires_at,
        created_by=actor,
    )
    with transaction.atomic():
        token.full_clean()
        token.save()
        district_id = _audit_district(user, token)
        if district_id:
            audit.record(
                session=None,
                district_id=district_id,
                actor=actor,
                action=AuditEntry.Action.API_TOKEN,
                detail=f"+ {token.name} ({token.prefix}…, {token.scope})",
            )
    return token, raw


def revoke_token(*, token: ApiToken, actor, now: datetime.datetime) -> bool:
    """Revoke ``token`` from now on; False if it was already revoked."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        district_id = _audit_district(token.user, token)
        if revoked and district_id:
            audit.record(
                session=None,
                district_id=district_id,
                actor=actor,
                action=AuditEntry.Action.API_TOKEN,
                detail=f"− {token.name} ({token.prefix}…)",
            )
    return bool(revoked)


def authenticate(*, raw: str, now: datetime.datetime) -> ApiToken | None:
    """Return the live token whose secret is ``raw`` (recording its use), or None."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USE_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def create_service_account(*, district: District, name: str, actor):
    """Create a login without a password that is HR staff of ``district`` only."""
    model = get_user_model()
    base = f"api-{district.slug}-{slugify(name)}"[:140]
    username, n = base, 1
    while model.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    with transaction.atomic():
        user = model(username=username, first_name=name[:150])
        user.set_unusable_password()
        user.save()
        group, _ = Group.objects.get_or_create(name=HR_GROUP)
        user.groups.add(group)
        district.hr_staff.add(user)
    return user


def tokens_visible_to(user):
    """Return the tokens ``user`` may see and revoke: their own; an administrator's, all."""
    tokens = ApiToken.objects.select_related("user", "district")
    if user.is_superuser:
        return tokens
    return tokens.filter(user=user)
