"""Celery tasks of the training app: each feature area keeps its own module.

Celery's autodiscovery imports ``training.tasks``; importing the area modules
here registers their tasks. Tasks take ids and call one domain function.
"""

from . import conflict_tasks  # noqa: F401
from .dashboards import tasks as dashboard_tasks  # noqa: F401
from .hr import tasks as hr_tasks  # noqa: F401
from .selfservice import tasks as selfservice_tasks  # noqa: F401
