"""The list pages of the HR catalogue (programs, venues, instructors)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from ..access import hr_scope


def filtered_list(request, *, selector, filter_form, template):
    """Render ``selector(scope, filters=...)`` in the officer's districts, 25 a page."""
    scope = hr_scope(request)
    filters = filter_form(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = Paginator(selector(scope, filters=cleaned), 25).get_page(request.GET.get("page"))
    return render(request, template, {"filters": filters, "page": page})
