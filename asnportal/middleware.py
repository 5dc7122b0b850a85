"""Indonesian first: the language is Indonesian unless the person switched."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    """Use the language cookie set by the switch, never the browser's Accept-Language.

    A civil servant's phone is often set to English; the portal still speaks
    Bahasa Indonesia until they press "EN".
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
