"""The one scoping mechanism every view and query goes through.

A ``Scope`` says what a user may see:

- an administrator (superuser) sees everything;
- HR staff see everything in the districts assigned to them;
- a supervisor sees the people in their whole subtree of the reporting line;
- every civil servant sees themself.

A user can hold several roles (an HR officer is also a civil servant, often a
supervisor), and the roles add up. Views that act in one role ask for it
explicitly: ``scope.as_hr()`` answers only with the HR districts, so an HR
page never shows what the same user may see as a supervisor.

Models declare how they reach a district and a person with ``scope_paths``:
``{"district": "district", "person": "civil_servant"}``. Another district's
object simply is not in the queryset, so ``get_object_or_404`` answers 404.
A model registered with ``shared=True`` also shows HR staff the rows whose
district is empty (shared by all districts, e.g. instructors).
"""

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import CivilServant, District, ScheduleEntry, WorkUnit

HR_GROUP = "hr_staff"

SUBTREE_SQL = """
WITH RECURSIVE subtree(id) AS (
    SELECT id FROM districts_civilservant WHERE supervisor_id = %s
    UNION
    SELECT c.id FROM districts_civilservant c JOIN subtree s ON c.supervisor_id = s.id
)
SELECT id FROM subtree
"""

SCOPE_PATHS = {
    District: {"district": "pk", "person": None},
    WorkUnit: {"district": "district", "person": None},
    CivilServant: {"district": "district", "person": "pk"},
    ScheduleEntry: {"district": "civil_servant__district", "person": "civil_servant"},
}


def register(
    model: type[Model], *, district: str | None, person: str | None, shared: bool = False
) -> None:
    """Declare how ``model`` reaches a district and a person (for other apps).

    ``shared``: rows with an empty district belong to every district, so HR staff see them.
    """
    SCOPE_PATHS[model] = {"district": district, "person": person, "shared": shared}


def subtree_ids(supervisor_id: int) -> RawSQL:
    """Return a subquery of the ids below ``supervisor_id`` (direct and indirect)."""
    return RawSQL(SUBTREE_SQL, [supervisor_id])  # noqa: S611 - constant SQL, bound parameter


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    hr_district_ids: frozenset[int] = field(default_factory=frozenset)
    person_id: int | None = None
    include_subtree: bool = True
    include_self: bool = True

    @property
    def is_hr(self) -> bool:
        return bool(self.hr_district_ids)

    def as_hr(self) -> "Scope":
        """Return the scope of this user acting as HR staff (or administrator)."""
        return Scope(
            is_admin=self.is_admin,
            hr_district_ids=self.hr_district_ids,
            person_id=None,
            include_subtree=False,
            include_self=False,
        )

    def as_supervisor(self) -> "Scope":
        """Return the scope of this user as a supervisor: their subtree only."""
        return Scope(person_id=self.person_id, include_subtree=True, include_self=False)

    def as_self(self) -> "Scope":
        """Return the scope of this user as a civil servant: themself only."""
        return Scope(person_id=self.person_id, include_subtree=False, include_self=True)

    def condition(self, model: type[Model]) -> Q | None:
        """Return the filter for ``model``, or None when everything is visible."""
        if self.is_admin:
            return None
        paths = SCOPE_PATHS[model]
        nothing = Q(pk__in=[])
        condition = nothing
        if self.hr_district_ids and paths["district"]:
            condition |= Q(**{f"{paths['district']}__in": sorted(self.hr_district_ids)})
            if paths.get("shared"):
                condition |= Q(**{f"{paths['district']}__isnull": True})
        person_path = paths["person"]
        if self.person_id is not None and person_path:
            if self.include_self:
                condition |= Q(**{person_path: self.person_id})
            if self.include_subtree:
                condition |= Q(**{f"{person_path}__in": subtree_ids(self.person_id)})
        return condition

    def filter(self, queryset: QuerySet) -> QuerySet:
        """Return ``queryset`` limited to what this scope may see."""
        condition = self.condition(queryset.model)
        return queryset if condition is None else queryset.filter(condition)

    def get_or_404(self, queryset_or_model, **lookup):
        """Return the object within scope, or raise Http404 (never 403)."""
        queryset = (
            queryset_or_model._default_manager.all()
            if isinstance(queryset_or_model, type)
            else queryset_or_model
        )
        return get_object_or_404(self.filter(queryset), **lookup)

    def districts(self) -> QuerySet:
        """Return the districts this scope acts in (HR districts, or all for admins)."""
        if self.is_admin:
            return District.objects.all()
        return District.objects.filter(pk__in=sorted(self.hr_district_ids))

    def require_hr(self) -> None:
        """Raise Http404 unless this user is HR staff or an administrator."""
        if not (self.is_admin or self.is_hr):
            raise Http404

    def people(self) -> QuerySet:
        return self.filter(CivilServant.objects.all())


def scope_for(user) -> Scope:
    """Return the full scope of ``user`` (all their roles together)."""
    if not user.is_authenticated:
        return Scope(include_subtree=False, include_self=False)
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    person_id = (
        CivilServant.objects.filter(user=user, is_active=True).values_list("pk", flat=True).first()
    )
    hr_ids = frozenset()
    if user.groups.filter(name=HR_GROUP).exists():
        hr_ids = frozenset(user.managed_districts.values_list("pk", flat=True))
    scope = Scope(is_admin=user.is_superuser, hr_district_ids=hr_ids, person_id=person_id)
    user._portal_scope = scope
    return scope


def is_supervisor(person_id: int | None) -> bool:
    """Return whether the person has anyone reporting to them."""
    return (
        person_id is not None
        and CivilServant.objects.filter(supervisor_id=person_id, is_active=True).exists()
    )
