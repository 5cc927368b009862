"""The home page: what each person has to do or to look at, by role (the panels are read in site.panels)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .panels import FOLLOW_STATUSES, home_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    home = home_for(request.user)
    return render(request, "site/home.html", {
        "home": home, "panels": home.panels, "learner": home.learner, "follow_statuses": FOLLOW_STATUSES,
    })
