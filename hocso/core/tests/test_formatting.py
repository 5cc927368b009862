"""Numbers and dates the Vietnamese way (English second), one rule for each kind of figure."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from hocso.core import formatting


@pytest.mark.parametrize(("value", "decimals", "vi", "en"), [
    (2500, 0, "2.500", "2,500"),
    (25000000, 0, "25.000.000", "25,000,000"),
    (999, 0, "999", "999"),
    (Decimal("1234.5"), 2, "1.234,50", "1,234.50"),
    (50.4000000000000, 1, "50,4", "50.4"),
    (Decimal("-0.04"), 1, "0,0", "0.0"),
    (None, 0, "—", "—"),
    (float("nan"), 1, "—", "—"),
    ("abc", 0, "—", "—"),
])
def test_numbers_in_each_language(value, decimals, vi, en):
    with translation.override("vi"):
        assert formatting.number(value, decimals) == vi
    with translation.override("en"):
        assert formatting.number(value, decimals) == en


def test_rates_and_scores_have_one_decimal_rounded_half_up():
    with translation.override("vi"):
        assert formatting.percent(Decimal("83.45")) == "83,5%"
        assert formatting.percent(68.1) == "68,1%"
        assert formatting.percent(100) == "100,0%"
        assert formatting.percent(None) == "—"
        assert formatting.score(Decimal("66.47")) == "66,5"
        assert formatting.score(72.8000000000000) == "72,8"


def test_dates_are_day_first_in_the_provinces_time_zone():
    late_utc = dt.datetime(2026, 9, 30, 18, 30, tzinfo=dt.UTC)  # already 1 October in Hà Nội
    with translation.override("vi"):
        assert formatting.day(late_utc) == "01/10/2026"
        assert formatting.moment(late_utc) == "01/10/2026 01:30"
        assert formatting.day(dt.date(2026, 7, 1)) == "01/07/2026"
        morning = dt.datetime(2026, 7, 1, 8, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        assert formatting.moment(morning) == "01/07/2026 08:05"
        assert formatting.day(None) == "—"


def test_template_filters():
    template = Template("{% load formatting %}{{ n|number }} {{ r|percent }} {{ s|score }} {{ d|day }} "
                        "{{ a|number:2 }}")
    with translation.override("vi"):
        rendered = template.render(Context({"n": 14600, "r": 52.345, "s": 7.25, "d": dt.date(2026, 12, 7),
                                            "a": 1.5}))
    assert rendered == "14.600 52,3% 7,3 07/12/2026 1,50"


def test_marks_have_at_most_two_decimals_and_no_trailing_zeros():
    with translation.override("vi"):
        assert [formatting.points(v) for v in (Decimal("1.500"), Decimal("2.000"), Decimal("0.333"), 1250,
                                                Decimal("16.250"), None)] == ["1,5", "2", "0,33", "1.250", "16,25", "—"]
        assert Template("{% load formatting %}{{ m|points }}").render(Context({"m": Decimal("8.0")})) == "8"
    with translation.override("en"):
        assert formatting.points(Decimal("1250.5")) == "1,250.5"
