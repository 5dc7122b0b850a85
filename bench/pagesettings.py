"""Settings of the page crawl's server (``bench/pages.py``): the portal's own, plus a probe.

Only the benchmark's gunicorn loads this module. It adds the query probe
(:mod:`bench.probe`) in front of every middleware and the bare baseline page
(``/bench-baseline/``); production's settings never hold either.
"""

from asnportal.settings import *  # noqa: F403 - the portal's settings, unchanged
from asnportal.settings import MIDDLEWARE

MIDDLEWARE = ["bench.probe.QueryProbeMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.probe"
