"""The services and selectors layer: what the portal does, for every entry point.

Writes (``services``) and reads (``selectors``) by feature: enrolment,
scheduling, conflicts and reminders, records (completion, certificates, JP),
imports, the catalogue and the dashboards' figures. Pages, the API, Celery
tasks and commands call these; these call the messages layer, the models and
``districts``, never an entry point. See ``docs/architecture.md``.
"""
