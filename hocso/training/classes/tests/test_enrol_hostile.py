"""Hostile spreadsheets as class lists: the same bounded reader as the staff import, the same clear refusal."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from hocso.tests import hostile_files as hostile
from hocso.training.classes import class_list
from hocso.training.tests.factories import make_class

from .helpers import upload

CASES = [
    pytest.param(hostile.far_cell_xlsx, "x.xlsx", "too_far", id="far-cell"),
    pytest.param(hostile.merged_xlsx, "x.xlsx", "merged_too_big", id="merged-range"),
    pytest.param(hostile.zip_bomb_xlsx, "x.xlsx", "zip_too_big", id="zip-bomb"),
    pytest.param(hostile.nul_csv, "x.csv", "nul", id="nul-csv"),
    pytest.param(hostile.long_field_csv, "x.csv", "cell_too_long", id="long-field-csv"),
]


@pytest.mark.parametrize(("make", "name", "code"), CASES)
def test_class_list_reader_refuses_hostile_files_in_bounded_memory(make, name, code):
    content = make()
    outcome = hostile.run_bounded(lambda: class_list.read_list(content, name), extra_memory_mb=512, timeout=20)
    assert not outcome.died, outcome.died
    assert (outcome.error, outcome.code) == ("FileRejected", code), outcome
    assert outcome.seconds < 5


def test_hostile_class_list_is_a_400_with_the_reason_on_the_form(client, province_admin):
    klass = make_class()
    client.force_login(province_admin)
    response = upload(client, klass, hostile.far_cell_xlsx())
    assert response.status_code == 400
    with translation.override("en"):
        assert "XFD1048576" in html.unescape(response.content.decode())
    assert "token" not in response.context and not klass.enrolments.exists()
    assert client.get(reverse("training:class_enrol_list", args=[klass.pk])).status_code == 200
