"""Indonesian formats: day-month-year, ``08.00``, never US month/day input.

Browser date pickers send ISO dates (``2026-12-07``), so ISO is accepted too.
"""

DATE_FORMAT = "l, j F Y"
DATETIME_FORMAT = "l, j F Y, H.i"
TIME_FORMAT = "H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
FIRST_DAY_OF_WEEK = 1

DATE_INPUT_FORMATS = [
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d %B %Y",
    "%Y-%m-%d",
]
TIME_INPUT_FORMATS = [
    "%H.%M",
    "%H:%M",
    "%H.%M.%S",
    "%H:%M:%S",
]
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H.%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
