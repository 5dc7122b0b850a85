import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from districts.nip import format_nip, normalize_nip, parse_nip


def error_codes(exc: ValidationError) -> list[str]:
    return sorted(error.code for error in exc.error_list)


@pytest.mark.parametrize(
    ("raw", "asn_type", "gender", "birth"),
    [
        pytest.param(
            "19860926 201505 1 001",
            "PNS",
            "male",
            datetime.date(1986, 9, 26),
            id="grouped_with_spaces",
        ),
        pytest.param("198609262015051001", "PNS", "male", datetime.date(1986, 9, 26), id="compact"),
        pytest.param(
            "197512312001122999",
            "PNS",
            "female",
            datetime.date(1975, 12, 31),
            id="female_last_sequence",
        ),
        pytest.param(
            "200002292025062001", "CPNS", "female", datetime.date(2000, 2, 29), id="cpns_leap_day"
        ),
        pytest.param(
            "199103152023212042",
            "PPPK",
            "female",
            datetime.date(1991, 3, 15),
            id="pppk_year_and_code_not_a_month",
        ),
    ],
)
def test_parse_nip_accepts_real_looking_numbers(raw, asn_type, gender, birth):
    parsed = parse_nip(raw, asn_type=asn_type, gender=gender, birth_date=birth)

    assert parsed.digits == normalize_nip(raw)
    assert parsed.birth_date == birth
    assert parsed.gender == gender


@pytest.mark.parametrize(
    ("raw", "asn_type", "gender", "codes"),
    [
        pytest.param("19860926201505100", "PNS", None, ["nip_length"], id="17_digits"),
        pytest.param("3578260909860001", "PNS", None, ["nip_length"], id="nik_16_digits"),
        pytest.param("19860926A015051001", "PNS", None, ["nip_length"], id="letter"),
        pytest.param("198613262015051001", "PNS", None, ["nip_birth_date"], id="month_13"),
        pytest.param("198602302015051001", "PNS", None, ["nip_birth_date"], id="feb_30"),
        pytest.param(
            "198609262015131001", "PNS", None, ["nip_appointment"], id="appointment_month_13"
        ),
        pytest.param(
            "198609261985051001",
            "PNS",
            None,
            ["nip_appointment_order"],
            id="appointed_before_birth",
        ),
        pytest.param("198609262015053001", "PNS", None, ["nip_gender"], id="gender_3"),
        pytest.param("198609262015051000", "PNS", None, ["nip_sequence"], id="sequence_000"),
        pytest.param(
            "198609262015051001", "PNS", "female", ["nip_gender_mismatch"], id="gender_mismatch"
        ),
        pytest.param(
            "198602302015003000",
            "PNS",
            None,
            ["nip_appointment", "nip_birth_date", "nip_gender", "nip_sequence"],
            id="every_part_wrong_named",
        ),
        pytest.param(
            "198613262023213001",
            "PPPK",
            None,
            ["nip_birth_date", "nip_gender"],
            id="pppk_birth_and_gender",
        ),
    ],
)
def test_parse_nip_names_every_wrong_part(raw, asn_type, gender, codes):
    with pytest.raises(ValidationError) as caught:
        parse_nip(raw, asn_type=asn_type, gender=gender)

    assert error_codes(caught.value) == codes


def test_parse_nip_birth_date_must_match_person():
    with pytest.raises(ValidationError) as caught:
        parse_nip("198609262015051001", birth_date=datetime.date(1986, 9, 27))

    assert error_codes(caught.value) == ["nip_birth_mismatch"]


def test_format_nip_groups_8_6_1_3():
    assert format_nip("198609262015051001") == "19860926 201505 1 001"


dates = st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2005, 12, 31))


@given(
    birth=dates,
    years_later=st.integers(18, 40),
    month=st.integers(1, 12),
    gender=st.sampled_from(["male", "female"]),
    sequence=st.integers(1, 999),
    spaces=st.booleans(),
)
def test_parse_nip_accepts_every_well_formed_pns_nip(
    birth, years_later, month, gender, sequence, spaces
):
    gender_digit = "1" if gender == "male" else "2"
    appointed = f"{birth.year + years_later:04d}{month:02d}"
    digits = f"{birth:%Y%m%d}{appointed}{gender_digit}{sequence:03d}"
    raw = f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}" if spaces else digits

    parsed = parse_nip(raw, gender=gender, birth_date=birth)

    assert parsed.digits == digits


@given(
    birth=dates,
    year=st.integers(2019, 2026),
    code=st.integers(0, 99),
    gender=st.sampled_from(["male", "female"]),
    sequence=st.integers(0, 999),
)
def test_parse_nip_pppk_checks_only_birth_and_gender(birth, year, code, gender, sequence):
    gender_digit = "1" if gender == "male" else "2"
    digits = f"{birth:%Y%m%d}{year}{code:02d}{gender_digit}{sequence:03d}"

    assert parse_nip(digits, asn_type="PPPK", gender=gender).birth_date == birth


@given(st.text(alphabet="0123456789 ", max_size=30))
def test_parse_nip_never_accepts_a_wrong_length(raw):
    digits = raw.replace(" ", "")
    if len(digits) == 18:
        return
    with pytest.raises(ValidationError) as caught:
        parse_nip(raw)
    assert error_codes(caught.value) == ["nip_length"]


@given(birth=dates, gender_digit=st.sampled_from("03456789"))
def test_parse_nip_rejects_any_other_gender_digit(birth, gender_digit):
    digits = f"{birth:%Y%m%d}{birth.year + 25}01{gender_digit}001"

    with pytest.raises(ValidationError) as caught:
        parse_nip(digits)

    assert "nip_gender" in error_codes(caught.value)
