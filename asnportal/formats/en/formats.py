"""English formats: the Indonesian dates and times, English numbers ("1.5 JP", "1,500").

Dates stay day-month-year with ``08.00`` (the portal's places), but a decimal
comma in English text reads as a list ("1,0 JP").
"""

from asnportal.formats.id.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
