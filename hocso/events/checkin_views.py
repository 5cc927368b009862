"""Check-in pages: the coordinator's list for one session at their site (tick people, count the room), the QR code
shown on the site's screen, and the page a participant's phone opens from it (/diem-danh/<code>/), signed in or by
CCCD or phone number. Kept small: the participant's page is one form on a slow mobile link."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hocso.core.cccd import mask_cccd
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.request_context import client_ip
from hocso.people.models import Learner
from hocso.people.selectors import learner_of

from . import checkin as codes
from . import programme_selectors as selectors
from .models import CheckIn, CheckInMethod, SiteSession
from .permissions import can_act_for_site

# Attempts by CCCD or phone number from one address in ten minutes: enough for a family sharing a phone at a site's
# door, too few to find out by trial whose numbers are on the staff lists.
IDENTITY_ATTEMPTS = 20


def _site_and_session(request: HttpRequest, pk: int, site_pk: int, session_pk: int):
    programme = selectors.programme_get(actor=request.user, pk=pk)
    row = selectors.programme_site_get(programme=programme, site_pk=site_pk)
    if not can_act_for_site(request.user, row.site):  # another unit's site: as if it did not exist
        raise Http404(_("This site does not take part in the programme."))
    session = selectors.session_get(programme=programme, pk=session_pk)
    return programme, row, session


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def site_checkin(request: HttpRequest, pk: int, site_pk: int, session_pk: int) -> HttpResponse:
    programme, row, session = _site_and_session(request, pk, site_pk, session_pk)
    site = row.site
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "head_count":
                text = request.POST.get("count", "").strip()
                if text and not (text.isascii() and text.isdigit()):
                    raise _BadNumber
                count = int(text) if text else None
                codes.head_count_set(actor=request.user, session=session, site=site, count=count)
                messages.success(request, _("The head count was saved."))
            elif action == "check_in":
                learner = selectors.site_people(programme, site).filter(pk=_learner_id(request)).first()
                if learner is None:
                    raise codes.CheckInError("not_found", _("This person is not on the site's list."))
                codes.coordinator_check_in(actor=request.user, session=session, site=site, learner=learner)
                messages.success(request, _("%(name)s is checked in.") % {"name": learner.full_name})
            elif action == "undo":  # anyone checked in here, on the list or not
                done = CheckIn.objects.select_related("learner").filter(
                    session=session, site=site, learner_id=_learner_id(request)).first()
                if done is not None:
                    codes.check_in_undo(actor=request.user, session=session, site=site, learner=done.learner)
                    messages.success(request, _("%(name)s is no longer checked in.") % {
                        "name": done.learner.full_name})
            elif action == "identity":
                learner = codes.find_person(request.POST.get("identity", ""), among=selectors.audience(programme))
                codes.coordinator_check_in(actor=request.user, session=session, site=site, learner=learner)
                messages.success(request, _("%(name)s is checked in.") % {"name": learner.full_name})
        except _BadNumber:
            messages.error(request, _("The head count is a whole number from 0 to 100,000."))
        except codes.CheckInError as error:
            messages.error(request, error.message)
        return redirect(request.get_full_path())
    query = request.GET.get("q", "")[:200]
    people = selectors.site_people(programme, site).select_related("unit").order_by("sort_key", "id")
    if query:
        people = people.search(query)
    page = paginate(request, people, per_page=50)
    ids = [person.pk for person in page]
    where = {c.learner_id: c for c in CheckIn.objects.filter(session=session, learner_id__in=ids)
             .select_related("site")}
    state = SiteSession.objects.filter(session=session, site=site).first()
    named = CheckIn.objects.filter(session=session, site=site).count()
    # The latest check-ins here, people from outside the list included, each with its undo button.
    latest = list(CheckIn.objects.filter(session=session, site=site).select_related("learner")
                  .order_by("-checked_at", "-id")[:10])
    head = state.head_count if state else None
    opens, closes = codes.window(session)
    return render(request, "events/site_checkin.html", {
        "programme": programme, "row": row, "site": site, "session": session, "page": page, "q": query,
        "querystring": querystring_without_page(request), "where": where, "named": named, "head_count": head,
        "attendance": selectors.attendance(named, head), "open": opens <= timezone.now() <= closes,
        "opens": opens, "closes": closes,
        "rows": [(person, where.get(person.pk)) for person in page], "latest": latest,
    })


@never_cache
@login_required
@require_GET
def site_qr(request: HttpRequest, pk: int, site_pk: int, session_pk: int) -> HttpResponse:
    """The code on the site's screen; the page reloads itself with a new code before this one expires."""
    programme, row, session = _site_and_session(request, pk, site_pk, session_pk)
    url = request.build_absolute_uri(reverse("events:qr_checkin", args=[codes.token_for(session, row.site)]))
    # segno writes the SVG itself from our own URL: safe to embed as is.
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, title=_("Check-in code"))
    figures = next((s for s in selectors.shared_board(session)["sites"] if s["id"] == row.site_id), {})
    return render(request, "events/site_qr.html", {
        "programme": programme, "site": row.site, "session": session, "url": url, "qr_svg": mark_safe(svg),
        "refresh": max(codes.qr_seconds() // 2, 10), "figures": figures,
    })


class _BadNumber(Exception):
    pass


def _learner_id(request: HttpRequest) -> int:
    text = request.POST.get("learner", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 0


def _too_many_attempts(request: HttpRequest) -> bool:
    # Per address, whatever the site. Shared by every worker with a shared cache (REDIS_URL); per worker otherwise.
    key = f"events:identity:{client_ip.get() or request.META.get('REMOTE_ADDR', '')}"
    try:
        attempts = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 600)
        attempts = 1
    return attempts > IDENTITY_ATTEMPTS


def _masked(learner: Learner) -> str:
    """The name as a participant's phone shows it after a check-in by number: enough to recognise oneself."""
    initials = " ".join(f"{part[0]}." for part in (learner.family_name, learner.middle_name) if part)
    return f"{initials} {learner.given_name}".strip()


@never_cache
@require_http_methods(["GET", "POST"])
def qr_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """From the code on the screen: a signed-in person checks in with one button; anyone else by CCCD or phone
    number, matched to a person of the province's staff lists (never a new person)."""
    done, error, session, site = None, None, None, None
    learner = learner_of(request.user) if request.user.is_authenticated else None
    try:
        session, site = codes.read_token(token)
        codes.check_window(session, timezone.now())
        if request.method == "POST":
            if learner is not None and request.POST.get("as") != "identity":
                outcome = codes.check_in(session=session, site=site, learner=learner, method=CheckInMethod.QR,
                                         by=request.user)
                done = {"name": learner.full_name, "again": not outcome.created}
            else:
                if _too_many_attempts(request):
                    raise codes.CheckInError("throttled", _("Too many attempts from this device. Ask the site's "
                                                            "coordinator to check you in."))
                person = codes.find_person(request.POST.get("identity", ""),
                                           among=selectors.audience(session.programme))
                outcome = codes.check_in(session=session, site=site, learner=person, method=CheckInMethod.IDENTITY)
                done = {"name": _masked(person), "cccd": mask_cccd(person.cccd), "again": not outcome.created}
    except codes.CheckInError as exc:
        error = exc
    status = {"expired": 410, "invalid": 400, "closed": 409, "elsewhere": 409, "not_found": 404,
              "throttled": 429}.get(getattr(error, "code", ""), 200)
    return render(request, "events/qr_checkin.html", {
        "session": session, "site": site, "error": error, "done": done, "token": token,
        "learner": learner,
    }, status=status)



@never_cache
@login_required
@require_GET
def site_figures(request: HttpRequest, pk: int, site_pk: int, session_pk: int) -> JsonResponse:
    """This site's figures and the programme's totals, for the site's screen (the QR page shows them and asks again
    every 10 s): small, and read from the board every poller shares."""
    _programme, row, session = _site_and_session(request, pk, site_pk, session_pk)
    data = selectors.shared_board(session)
    site = next((s for s in data["sites"] if s["id"] == row.site_id), None)
    return JsonResponse({"site": site, "totals": data["totals"], "at": data["at"]})
