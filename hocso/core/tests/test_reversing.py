"""reverse_id gives exactly Django's reverse(), under any script prefix and language."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from hocso.core.reversing import reverse_id

ROUTES_WITH_ID = ["assessment:exam_attempt", "assessment:exam_quiz", "assessment:exam_start",
                  "assessment:exam_result", "assessment:exam_submit", "training:course", "training:lesson",
                  "people:detail"]


@pytest.mark.parametrize("name", ROUTES_WITH_ID)
@pytest.mark.parametrize("object_id", [1, 42, 9_876_543])
def test_same_text_as_reverse(name, object_id):
    assert reverse_id(name, object_id) == reverse(name, args=[object_id])


def test_without_an_id_and_under_another_prefix():
    assert reverse_id("assessment:save_answer") == reverse("assessment:save_answer")
    try:
        set_script_prefix("/hocso/")
        assert reverse_id("assessment:exam_attempt", 7) == reverse("assessment:exam_attempt", args=[7])
        assert reverse_id("assessment:exam_attempt", 7).startswith("/hocso/kiem-tra/")
    finally:
        set_script_prefix("/")
    assert not reverse_id("assessment:exam_attempt", 7).startswith("/hocso/")


def test_language_is_part_of_the_key():
    with translation.override("en"):
        english = reverse_id("assessment:exam_quiz", 3)
    with translation.override("vi"):
        assert reverse_id("assessment:exam_quiz", 3) == english == reverse("assessment:exam_quiz", args=[3])


def test_an_id_that_is_not_an_integer_is_refused():
    with pytest.raises(ValueError):
        reverse_id("assessment:exam_attempt", "7/../admin")  # type: ignore[arg-type]


def test_unknown_names_fail_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        reverse_id("assessment:no_such_page", 1)
