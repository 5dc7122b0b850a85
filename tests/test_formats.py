"""Numbers in the reader's language: a decimal comma in Indonesian, a point in English."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from training.services.session_length import format_jp


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "1,0"), ("en", "1.0")],
)
def test_jp_has_the_languages_decimal_separator(language, expected):
    with translation.override(language):
        assert format_jp(Decimal("1")) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "5,3 JP · 1.500.000"), ("en", "5.3 JP · 1,500,000")],
)
def test_template_numbers_follow_the_language(language, expected):
    template = Template("{% load humanize %}{{ jp }} JP · {{ rupiah|intcomma }}")

    with translation.override(language):
        text = template.render(Context({"jp": Decimal("5.3"), "rupiah": 1500000}))

    assert text == expected


def test_english_dates_stay_day_month_year():
    from django.utils import formats

    with translation.override("en"):
        assert formats.get_format("SHORT_DATE_FORMAT") == "d-m-Y"
        assert formats.get_format("DECIMAL_SEPARATOR") == "."
