"""The snapshot's roll-up (one read of the audience, summed per ancestor in Python) gives exactly the figures of
the grouped SQL queries the results pages use, unit by unit, own and subtree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F

from hocso.assessment.models import GradingMethod
from hocso.campaigns.selectors import STEP, audience
from hocso.campaigns.selectors.results import Figures, grouped_figures, results_all_units, subtree_key
from hocso.org.models import UnitKind
from hocso.tests.factories import make_learner, make_unit

from .helpers import build_world, make_attempt


def _reference(campaign) -> dict:
    """The per-level grouped SQL (what results_all_units did before): {path: (own, total)}."""
    rows = audience(campaign)
    own = grouped_figures(rows, F("unit_id"))
    totals = {}
    for depth in range(4):
        width = STEP * (depth + 1)
        found = grouped_figures(rows, subtree_key(depth))
        totals.update({k: v for k, v in found.items() if k and len(k) == width})
    return own, totals


@pytest.mark.parametrize("method", [GradingMethod.HIGHEST, GradingMethod.AVERAGE, GradingMethod.LAST])
def test_rollup_equals_grouped_sql(province, commune_a, commune_b, school_a, learner_in_a, province_admin, method):
    campaign = build_world(province, commune_a, commune_b, school_a, learner_in_a, province_admin)[0]
    quiz = campaign.quiz
    quiz.grading_method = method
    quiz.save(update_fields=["grading_method"])
    ward = make_unit("Tổ dân phố 1", commune_b, kind=UnitKind.OTHER)
    # Edges of the score bands (0, 10, 90, 100), two attempts to average, some people never starting.
    for i, scores in enumerate([[0], [10], [90, 100], [100], [55, 45], [33], [], []]):
        person = make_learner(ward if i % 2 else school_a, f"Người Thứ {i}")
        for number, score in enumerate(scores, start=1):
            make_attempt(quiz, person, percent=score, number=number, day=dt.date(2026, 11, 1 + number))
    own, totals = _reference(campaign)
    results = results_all_units(campaign)
    assert {r.unit.path for r in results} >= {province.path, commune_a.path, commune_b.path, ward.path}
    for r in results:
        assert r.own == own.get(r.unit.pk, Figures()), r.unit.name
        assert r.total == totals[r.unit.path], r.unit.name
    province_total = next(r.total for r in results if r.unit.pk == province.pk)
    assert province_total.audience == 14 and sum(province_total.distribution) == province_total.graded
    assert province_total.distribution[0] >= 1 and province_total.distribution[9] >= 2
    assert isinstance(province_total.median, Decimal)
