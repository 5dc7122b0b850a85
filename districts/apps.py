import sqlite3

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def use_sqlite_variable_limit(sender, connection, **kwargs):
    """Let Django batch as many parameters per SQLite statement as this SQLite accepts.

    Django assumes the limit of SQLite before 3.32 (999 variables), so a bulk
    insert of people would be split every 58 rows; SQLite since 3.32 accepts
    32,766, and says so.
    """
    if connection.vendor == "sqlite":
        connection.features.max_query_params = connection.connection.getlimit(
            sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
        )


class DistrictsConfig(AppConfig):
    name = "districts"
    verbose_name = _("Organisation")

    def ready(self):
        from .validation import require_single_line

        require_single_line(self.label)
        connection_created.connect(use_sqlite_variable_limit, dispatch_uid="sqlite-variable-limit")
