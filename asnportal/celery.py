"""The Celery application; the tasks live in one ``tasks.py`` per package of ``training``
(imported at start-up by ``training.apps``, in the worker as in the web process)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asnportal.settings")

app = Celery("asnportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
