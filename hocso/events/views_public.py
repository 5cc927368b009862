"""Public pages of published programmes (/cong-khai/chuong-trinh/): each session's attendance by unit, aggregates
only, with the minimum group size applied (hocso.events.disclosure). No sign-in, no name, no site."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hocso.core.pagination import paginate, querystring_without_page

from . import programme_selectors as selectors
from .disclosure import public_attendance


@require_GET
def public_programmes(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    return render(request, "events/public_programmes.html", {
        "page": paginate(request, selectors.published_programmes(query=query)), "q": query,
        "querystring": querystring_without_page(request),
    })


@require_GET
def public_programme(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.published_programme(pk)
    k = settings.HOCSO_MIN_GROUP_SIZE
    # Ended sessions only: figures that still move would let two readings a few seconds apart tell single people.
    now = timezone.now()
    held = [(session, public_attendance(selectors.board(session), k))
            for session in programme.sessions.filter(ends_at__lte=now)]
    return render(request, "events/public_programme.html", {
        "programme": programme, "sessions": held, "k": k,
        "upcoming": list(programme.sessions.filter(ends_at__gt=now)),
    })
