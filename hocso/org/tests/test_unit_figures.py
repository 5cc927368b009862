"""A unit's page counts and lists the people of its sub-units (issue 13, item 7): a commune whose people all work in
its schools and offices is not a unit "nobody has worked in"."""

from __future__ import annotations

from django.urls import reverse

from hocso.tests.factories import make_learner


def test_a_commune_page_counts_and_lists_its_sub_units_people(client, province_admin, commune_a, school_a,
                                                             learner_in_a):
    make_learner(school_a, "Trần Văn Bình")
    make_learner(commune_a, "Lê Thị Chi")
    client.cookies["hocso_language"] = "en"
    client.force_login(province_admin)
    url = reverse("org:detail", args=[commune_a.pk])

    response = client.get(url)
    body = response.content.decode()
    assert 'data-learners="3"' in body  # the whole subtree
    assert "1 directly in this unit, 2 in its sub-units." in body
    history = {m.learner.full_name for m in response.context["page"]}
    assert history == {"Đặng Thị Ánh", "Trần Văn Bình", "Lê Thị Chi"}  # by default, the sub-units' people too
    assert 'href="?history=own#history"' in body

    own = client.get(url + "?history=own")
    assert {m.learner.full_name for m in own.context["page"]} == {"Lê Thị Chi"}


def test_a_unit_with_people_only_below_says_where_they_are(client, province_admin, commune_a, school_a,
                                                           learner_in_a):
    client.force_login(province_admin)  # Vietnamese, the default
    url = reverse("org:detail", args=[commune_a.pk])
    body = client.get(url + "?history=own").content.decode()
    assert "Chưa có cán bộ nào công tác trực tiếp tại đơn vị này: 1 cán bộ của đơn vị" in body
    assert "Chưa có cán bộ nào công tác tại đơn vị này." not in body
    assert "0 người công tác trực tiếp tại đơn vị này, 1 người tại các đơn vị trực thuộc." in body
    body = client.get(url).content.decode()
    assert "Đặng Thị Ánh" in body and "Chưa có cán bộ nào công tác" not in body


def test_an_empty_unit_still_says_nobody(client, province_admin, commune_b):
    client.force_login(province_admin)
    body = client.get(reverse("org:detail", args=[commune_b.pk])).content.decode()
    assert "Chưa có cán bộ nào công tác tại đơn vị này." in body
    assert 'id="direct-count"' not in body  # no sub-units, nobody: nothing to split
