from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import F

from hocso.assessment.models import AttemptState
from hocso.campaigns.selectors import Status, audience
from hocso.campaigns.selectors.results import (
    agency_ranking,
    grouped_figures,
    results_all_units,
    results_children,
    results_overall,
)
from hocso.campaigns.services import AudienceLine, campaign_update

from .helpers import make_attempt


def test_audience_counts_each_person_once_in_the_right_unit(world, commune_a, commune_b):
    campaign, unit_m, _into, people = world
    rows = {r.learner_id: (r.unit_id, r.status) for r in audience(campaign)}
    assert set(rows) == {people[k].pk for k in ("anh", "cuong", "dung", "giang", "ha", "khanh")}
    assert rows[people["ha"].pk] == (commune_b.pk, Status.PASSED)  # moved mid-quarter: counted where she ended
    assert rows[people["khanh"].pk] == (unit_m.pk, Status.PASSED)  # merged after the campaign: stays in M
    assert rows[people["cuong"].pk][1] == Status.FAILED  # the 95 before the window does not count
    assert rows[people["giang"].pk][1] == Status.IN_PROGRESS
    assert rows[people["dung"].pk][1] == Status.NOT_STARTED


def test_province_figures_match_hand_computation(world, province_admin):
    campaign = world[0]
    figures = results_overall(actor=province_admin, campaign=campaign)
    assert (figures.audience, figures.participants, figures.graded, figures.passed) == (6, 5, 4, 3)
    assert figures.participation_rate == Decimal("83.3")
    # Giang's attempt is still open: she took part but has no result, so she is not a fail in the pass rate.
    assert figures.pass_rate == Decimal("75.0")
    assert figures.mean == Decimal("67.50")
    assert figures.median == Decimal("70.00")
    assert figures.distribution == [0, 0, 0, 0, 1, 0, 1, 0, 1, 1]


def test_drill_down_own_and_subtree_figures(world, province, commune_a, commune_b, school_a, province_admin):
    campaign, unit_m, _into, _people = world
    top = results_children(actor=province_admin, campaign=campaign, parent=None)
    assert [r.unit for r in top] == [province]
    assert top[0].total.audience == 6
    below = {r.unit.pk: r for r in results_children(actor=province_admin, campaign=campaign, parent=province)}
    assert set(below) == {commune_a.pk, commune_b.pk, unit_m.pk}
    a = below[commune_a.pk]
    assert (a.own.audience, a.own.passed, a.own.mean) == (1, 0, Decimal("40.00"))
    assert (a.total.audience, a.total.participants, a.total.passed) == (2, 2, 1)
    assert (a.total.mean, a.total.median) == (Decimal("60.00"), Decimal("60.00"))
    b = below[commune_b.pk]
    assert (b.total.audience, b.total.participants, b.total.passed, b.total.mean) == (3, 2, 1, Decimal("90.00"))
    assert below[unit_m.pk].total.audience == 1


def test_focal_point_sees_only_their_subtree(world, focal_a, commune_a):
    campaign = world[0]
    figures = results_overall(actor=focal_a, campaign=campaign)
    assert (figures.audience, figures.passed) == (2, 1)
    top = results_children(actor=focal_a, campaign=campaign, parent=None)
    assert [r.unit for r in top] == [commune_a]


def test_ranking_of_agencies(world, commune_a, commune_b, province_admin, settings):
    settings.HOCSO_MIN_GROUP_SIZE, settings.HOCSO_RANKING_MIN_PARTICIPATION = 1, 0  # every agency ranked
    campaign, unit_m, _into, _people = world
    ranking = agency_ranking(actor=province_admin, campaign=campaign)
    # M and B pass 100 % of those with a result (B: Hà; Giang's attempt is open); M took part 1/1, B 2/3 -> M
    # first; A passes 1 of 2.
    assert [r.unit for r in ranking] == [unit_m, commune_b, commune_a] and all(r.ranked for r in ranking)


def test_ranking_puts_agencies_below_the_minimum_participation_after_the_others(world, commune_a, commune_b,
                                                                              province_admin, settings):
    """B has the best pass rate with M, but only 2 of its 3 people took part: under a 70 % minimum it comes after A
    (50 % pass, everyone took part), without a rank; the page states the rule and shows the participation."""
    settings.HOCSO_MIN_GROUP_SIZE, settings.HOCSO_RANKING_MIN_PARTICIPATION = 1, 70
    campaign, unit_m, _into, _people = world
    ranking = agency_ranking(actor=province_admin, campaign=campaign)
    assert [(r.unit, r.ranked) for r in ranking] == [(unit_m, True), (commune_a, True), (commune_b, False)]


def test_ranking_needs_enough_people_with_a_result(world, commune_a, commune_b, province_admin, settings):
    """With the default minimum group size (5), none of these agencies of 1 to 3 people is ranked; unranked
    agencies are listed by participation first (M and A 100 %, then B 67 %), not by pass rate (B would lead)."""
    settings.HOCSO_RANKING_MIN_PARTICIPATION = 0
    campaign, unit_m, _into, _people = world
    ranking = agency_ranking(actor=province_admin, campaign=campaign)
    assert [(r.unit, r.ranked) for r in ranking] == [(unit_m, False), (commune_a, False), (commune_b, False)]


def test_results_page_states_the_ranking_rule_and_shows_participation(client, world, province_admin, settings):
    settings.HOCSO_MIN_GROUP_SIZE, settings.HOCSO_RANKING_MIN_PARTICIPATION = 1, 70
    campaign = world[0]
    client.force_login(province_admin)
    client.cookies["hocso_language"] = "en"
    body = client.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/").content.decode()
    ranking = body[body.index('id="ranking-rule"'):]
    assert "fewer than 70 % of the audience took part" in ranking
    rows = re.findall(r"<tr[^>]*><td>(\d+|—)</td><td>([^<]+)", ranking)
    assert rows == [("1", "Xã Minh Tiến"), ("2", "Xã Đại Phúc"), ("—", "Xã Yên Trạch ")]
    assert "<th>Participation (%)</th>" in ranking and "66.7" in ranking and "not ranked" in ranking


def test_a_submitted_attempt_waiting_for_an_essay_grade_is_not_in_progress(world, province_admin):
    """The 57 people of the demo's closed Quý III shown as "in progress": their attempts were submitted and wait
    for an essay to be graded. They are "waiting for grading", take part, and are in no pass rate until graded."""
    campaign, _m, _into, people = world
    attempt = make_attempt(campaign.quiz, people["dung"], percent=None)
    attempt.state, attempt.submitted_at = AttemptState.NEEDS_GRADING, attempt.started_at
    attempt.save()
    status = dict(audience(campaign).values_list("learner_id", "status"))
    assert status[people["dung"].pk] == Status.AWAITING_GRADING
    assert status[people["giang"].pk] == Status.IN_PROGRESS
    figures = results_overall(actor=province_admin, campaign=campaign)
    assert (figures.participants, figures.graded, figures.passed, figures.pass_rate) == (6, 4, 3, Decimal("75.0"))


def test_by_target_group_is_one_query_per_aggregate(world, django_assert_max_num_queries):
    campaign = world[0]
    rows = audience(campaign)
    with django_assert_max_num_queries(4):
        figures = grouped_figures(rows, F("learner__target_group_id"))
    assert sum(f.audience for f in figures.values()) == 6


def test_all_units_for_snapshot(world, province, school_a, django_assert_max_num_queries):
    campaign = world[0]
    with django_assert_max_num_queries(16):
        rows = {r.unit.pk: r for r in results_all_units(campaign)}
    assert rows[province.pk].total.audience == 6
    assert rows[school_a.pk].own.mean == Decimal("80.00")


def test_campaign_attempt_limit_counts_only_the_first_attempts_in_the_window(world, province_admin):
    campaign, _m, _into, people = world
    make_attempt(campaign.quiz, people["cuong"], percent=95, number=3, day=campaign.closes_on)
    grades = dict(audience(campaign).values_list("learner_id", "grade"))
    assert grades[people["cuong"].pk] == Decimal("95")  # the quiz's grading method: highest
    lines = [AudienceLine(unit=u.unit, include_subtree=u.include_subtree, excluded=u.excluded)
             for u in campaign.audience_units.all()]
    campaign_update(actor=province_admin, campaign=campaign, lines=lines, attempts_allowed=1)
    grades = dict(audience(campaign).values_list("learner_id", "grade"))
    assert grades[people["cuong"].pk] == Decimal("40")  # only his first attempt in the window counts
    assert grades[people["anh"].pk] == Decimal("80")


def test_the_ranking_rule_reads_in_vietnamese(client, world, province_admin, settings):
    settings.HOCSO_RANKING_MIN_PARTICIPATION = 70
    client.force_login(province_admin)
    body = client.get(f"/dot-kiem-tra/{world[0].pk}/ket-qua/").content.decode()
    assert "Cơ quan có dưới 70 % đối tượng tham gia, hoặc dưới 5 người đã có kết quả" in body
    assert "không xếp hạng" in body
