"""The page crawl's probe: per-request query count, time and slowest queries, in headers.

Loaded only by ``bench/pagesettings.py`` (the benchmark's server). Every SQL
statement of a request goes through ``connection.execute_wrapper``; the
response carries ``X-Bench-Queries``, ``X-Bench-Ms`` (server time, from the
first middleware to the last byte rendered) and ``X-Bench-Slow`` (base64 JSON
of the ten slowest statements: milliseconds and SQL). Also the URLs: the
portal's own, plus ``/bench-baseline/``, the bare baseline: the base template
rendered with no query.
"""

import base64
import json
import time

from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from asnportal.urls import urlpatterns as portal_urls


class QueryProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        statements: list[tuple[float, str]] = []

        def record(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append(((time.perf_counter() - started) * 1000, sql))

        started = time.perf_counter()
        with connection.execute_wrapper(record):
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response["X-Bench-Ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
        response["X-Bench-Queries"] = str(len(statements))
        slowest = sorted(statements, reverse=True)[:10]
        response["X-Bench-Slow"] = base64.b64encode(
            json.dumps([(round(ms, 2), sql[:600]) for ms, sql in slowest]).encode()
        ).decode()
        return response


BASELINE = engines["django"].from_string('{% extends "base.html" %}')


def baseline(request):
    """Render the base template, anonymous, with no query: the server's ceiling."""
    return HttpResponse(BASELINE.render({}, request))


urlpatterns = [path("bench-baseline/", baseline), *portal_urls]
