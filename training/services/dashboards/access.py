"""Who sees what: the viewer's roles on the dashboard and the scope of each.

A user with several roles chooses one with ``?as=``; the default is the widest
role they hold (administrator, then HR, then supervisor).
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District
from districts.scoping import Scope, is_supervisor, scope_for

ADMIN, HR, SUPERVISOR = "admin", "hr", "supervisor"
ROLE_LABELS = {
    ADMIN: _("Administrator"),
    HR: _("HR staff"),
    SUPERVISOR: _("Supervisor"),
}


@dataclass(frozen=True)
class Viewer:
    """The role the dashboard is shown in, with the scope that goes with it."""

    role: str
    scope: Scope
    roles: tuple[str, ...]

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def people(self) -> QuerySet:
        """Return the active civil servants this role covers."""
        if self.is_supervisor:
            return CivilServant.objects.filter(pk__in=self.subtree_ids)
        return self.scope.filter(CivilServant.objects.filter(is_active=True))

    @cached_property
    def subtree_ids(self) -> list[int]:
        """Return a supervisor's people, resolved once (one recursive query).

        With the ids spelled out, the database plans each figure on its indexes
        instead of guessing the size of the recursive query (seconds at scale).
        """
        people = self.scope.filter(CivilServant.objects.filter(is_active=True))
        return list(people.order_by().values_list("pk", flat=True))

    def districts(self) -> QuerySet:
        """Return the districts this role acts in (a supervisor: those of their people)."""
        if self.is_supervisor:
            return District.objects.filter(pk__in=self.people().values("district"))
        return self.scope.districts()


def roles_of(user) -> tuple[str, ...]:
    """Return the dashboard roles ``user`` holds, widest first."""
    scope = scope_for(user)
    roles = []
    if scope.is_admin:
        roles.append(ADMIN)
    if scope.is_hr:
        roles.append(HR)
    if is_supervisor(scope.person_id):
        roles.append(SUPERVISOR)
    return tuple(roles)


def viewer_for(user, requested: str | None = None) -> Viewer:
    """Return the viewer for ``user`` in the ``requested`` role; 404 without such a role."""
    roles = roles_of(user)
    if not roles:
        raise Http404
    role = requested or roles[0]
    if role not in roles:
        raise Http404
    full = scope_for(user)
    if role == ADMIN:
        scope = Scope(is_admin=True, include_subtree=False, include_self=False)
    elif role == HR:
        scope = Scope(
            hr_district_ids=full.hr_district_ids, include_subtree=False, include_self=False
        )
    else:
        scope = full.as_supervisor()
    return Viewer(role=role, scope=scope, roles=roles)
