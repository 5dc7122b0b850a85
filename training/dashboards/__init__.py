"""Completion dashboards for supervisors, HR staff and administrators: the pages.

The figures come from a constant number of grouped aggregate queries over the
people in the viewer's scope (``districts.scoping``), whatever its size; they
are computed in ``training.services.dashboards``.
"""
