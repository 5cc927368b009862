"""The home page: what each person has to do or to look at, by role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hocso.access.permissions import can_manage_people
from hocso.access.scoping import roles_of
from hocso.campaigns.selectors import open_campaigns_for
from hocso.org.selectors import unit_roots, with_counts
from hocso.people.selectors import learner_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    learner = learner_of(request.user)
    context = {"roles": roles_of(request.user), "learner": learner}
    if learner is not None:
        context["open_campaigns"] = open_campaigns_for(learner=learner)
    if can_manage_people(request.user):
        context["my_units"] = with_counts(unit_roots(actor=request.user))
    return render(request, "site/home.html", context)
