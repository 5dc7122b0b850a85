"""Completion dashboards for supervisors, HR staff and administrators.

The figures come from a constant number of grouped aggregate queries over the
people in the viewer's scope (``districts.scoping``), whatever its size.
"""
