import pytest

from districts.models import District, Holiday


@pytest.mark.django_db
def test_migrations_create_the_four_places_and_2026_holidays():
    assert sorted(District.objects.values_list("slug", flat=True)) == [
        "asemrowo",
        "mulyorejo",
        "plaju",
        "sawahlunto",
    ]
    assert Holiday.objects.filter(date__year=2026, district=None).count() == 25
