"""Template tags of planning: the home card with the year's plan and its progress."""

from django import template
from django.utils import timezone

from ..models import DevelopmentPlan
from ..services import plans
from ..services.dashboards.numbers import money

register = template.Library()


@register.inclusion_tag("training/selfservice/_plan_home_card.html")
def plan_home_card(person):
    """``{% plan_home_card person %}``: the person's plan this year; a supervisor's queue."""
    year = timezone.localtime(timezone.now(), person.district.tzinfo).year
    plan = DevelopmentPlan.objects.filter(civil_servant=person, year=year).first()
    waiting = DevelopmentPlan.objects.filter(
        civil_servant__supervisor=person, status=DevelopmentPlan.Status.SUBMITTED
    ).count()
    return {
        "year": year,
        "plan": plan,
        "progress": plans.progress([plan])[plan.pk] if plan else None,
        "waiting": waiting,
    }


@register.filter
def rupiah(value) -> str:
    """``{{ amount|rupiah }}``: ``Rp 1.500.000``, or a dash for none."""
    return money(value)
