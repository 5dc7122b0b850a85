"""JSON bodies with a size limit: a bigger body is refused (413) before it is parsed.

The limit is the API's own (``API_MAX_REQUEST_BYTES``), not the site's form
limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``, 2.5 MB): REST framework reads the body
of its own JSON parser through ``request.body``, which Django refuses past
the form limit, so a bulk call of 10,000 people (about 3 MB) answered 400.
This parser is therefore not a ``JSONParser``: it is handed the request's
stream, reads at most the limit from it, and parses as ``JSONParser`` does.
"""

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, renderers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class LimitedJSONParser(parsers.BaseParser):
    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_REQUEST_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise RequestTooLarge
        return parsers.JSONParser().parse(io.BytesIO(data), media_type, parser_context)
