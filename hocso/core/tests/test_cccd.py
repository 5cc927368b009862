import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hocso.core.cccd import clean_cccd, mask_cccd, validate_cccd


def codes(exc: ValidationError) -> set[str]:
    return {e.code for e in exc.error_list}


def test_valid_number_for_a_man_born_in_1985_registered_in_thai_nguyen():
    assert validate_cccd("019085001234", birth_date=dt.date(1985, 3, 2), gender="M") == "019085001234"


def test_woman_born_in_2001_has_century_digit_3():
    assert validate_cccd("019301123456", birth_date=dt.date(2001, 1, 1), gender="F") == "019301123456"


def test_excel_number_that_lost_its_leading_zero_is_restored():
    assert clean_cccd(19085001234) == "019085001234"
    assert clean_cccd("019 085 001 234") == "019085001234"


@pytest.mark.parametrize("value", ["12345", "01908500123A", "0190850012345"])
def test_wrong_length_or_letters(value):
    with pytest.raises(ValidationError) as exc:
        validate_cccd(value)
    assert codes(exc.value) == {"cccd_format"}


def test_unknown_province_code():
    with pytest.raises(ValidationError) as exc:
        validate_cccd("003085001234")  # 003 was never assigned
    assert codes(exc.value) == {"cccd_province"}


def test_every_inconsistency_is_reported_at_once():
    with pytest.raises(ValidationError) as exc:
        # province 099 unknown, century digit 2 means born 2000s, year digits 90 ≠ 1985
        validate_cccd("099290001234", birth_date=dt.date(1985, 3, 2), gender="M")
    assert codes(exc.value) == {"cccd_province", "cccd_year", "cccd_century"}


def test_gender_digit_must_match():
    with pytest.raises(ValidationError) as exc:
        validate_cccd("019085001234", birth_date=dt.date(1985, 3, 2), gender="F")
    assert codes(exc.value) == {"cccd_gender"}


def test_messages_are_vietnamese_by_default():
    with pytest.raises(ValidationError) as exc:
        validate_cccd("12")
    assert "12 chữ số" in exc.value.messages[0]


def test_mask_keeps_province_and_last_two_digits():
    assert mask_cccd("019085001234") == "019*******34"
    assert mask_cccd("") == ""
