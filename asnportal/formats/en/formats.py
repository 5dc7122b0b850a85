"""English formats for the portal: the Indonesian ones (day-month-year, 08.00)."""

from asnportal.formats.id.formats import *  # noqa: F403
