"""Programme pages (/chuong-trinh/): the list, a programme with its sessions and sites, the session's readiness
board for the host, and a site's own page for its coordinator (expected head count, preparations, expected list)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocso.core.exporting import XLSX_TYPE
from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure
from hocso.core.scoping import acts_for_whole_province, scope_of
from hocso.org.selectors import units_visible

from . import programme_selectors as selectors
from . import programme_services as services
from . import webhooks
from .forms import ExpectedForm, ProgrammeForm, SessionForm
from .models import BridgeSite
from .permissions import can_act_for_site, can_host_programmes, can_manage_programme
from .reports import attendance_pdf, attendance_xlsx

logger = logging.getLogger("hocso.events")

# How long before a session its sites must have tested the connection, and confirmed their list (Vietnamese
# practice: the technician connects at least 60 minutes ahead; the host wants the list 15 minutes ahead).
CONNECTION_DUE_MINUTES, LIST_DUE_MINUTES = 60, 15


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    page = paginate(request, selectors.programme_list(actor=request.user, query=query))
    return render(request, "events/programme_list.html", {
        "page": page, "q": query, "querystring": querystring_without_page(request),
        "can_host": can_host_programmes(request.user),
    })


def _programme_form(request: HttpRequest, programme=None) -> HttpResponse:
    actor = request.user
    ensure(can_host_programmes(actor), _("Only province administrators and unit focal points host programmes."))
    initial = {}
    if programme is not None:
        ensure(can_manage_programme(actor, programme), services.NOT_YOURS)
        initial = {"title": programme.title, "description": programme.description, "host_unit": programme.host_unit,
                   "audience_units": list(programme.audience_units.all()),
                   "audience_groups": list(programme.audience_groups.all()),
                   "counts_toward_plan": programme.counts_toward_plan}
    form = ProgrammeForm(request.POST or None, initial=initial, units=units_visible(actor=actor),
                         plan_switch=acts_for_whole_province(actor))
    if request.method == "POST" and form.is_valid() and (saved := call_service(
            form, services.programme_save, actor=actor, programme=programme, **form.cleaned_data)):
        messages.success(request, _("The programme %(title)s was saved.") % {"title": saved.title})
        return redirect("events:programme_detail", saved.pk)
    return render(request, "events/programme_form.html", {"form": form, "programme": programme})


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    return _programme_form(request)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _programme_form(request, selectors.programme_get(actor=request.user, pk=pk))


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(actor=request.user, pk=pk)
    manage = can_manage_programme(request.user, programme)
    rows = selectors.programme_sites(programme, coordinator=None if manage else request.user)
    sessions = list(programme.sessions.prefetch_related("site_sessions"))
    for session in sessions:
        session.ready_count = sum(1 for r in session.site_sessions.all() if r.is_ready)
    _counts, unassigned = selectors.expected_counts(programme) if manage else ({}, 0)
    return render(request, "events/programme_detail.html", {
        "programme": programme, "manage": manage, "rows": rows, "sessions": sessions,
        "site_total": len(rows), "expected_total": sum(row.expected for row in rows), "unassigned": unassigned,
        "audience_units": list(programme.audience_units.all()),
        "audience_groups": list(programme.audience_groups.all()),
        "certificates_issued": selectors.certificates_issued(programme) if manage else 0,
    })


@login_required
@require_POST
def programme_sites_add_all(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(actor=request.user, pk=pk)
    units = list(programme.audience_units.all()) or [programme.host_unit]
    sites = BridgeSite.objects.filter(is_active=True).select_related("unit").filter(
        scope_of(request.user).q("unit__path"))
    wanted = [site for site in sites if any(site.unit.path.startswith(u.path) for u in units)]
    added = services.programme_sites_add(actor=request.user, programme=programme, sites=wanted)
    messages.success(request, _("%(count)s sites were added.") % {"count": added})
    return redirect("events:programme_detail", programme.pk)


@login_required
@require_POST
def programme_expected_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff lists changed since the sites were added (people joined, moved, retired): count again."""
    programme = selectors.programme_get(actor=request.user, pk=pk)
    unassigned = services.expected_recompute(programme=programme, actor=request.user)
    messages.success(request, _("The expected head counts were computed again from the staff lists "
                                "(%(unassigned)s people of the audience have no site).") % {"unassigned": unassigned})
    return redirect("events:programme_detail", programme.pk)


@login_required
@require_POST
def programme_site_remove(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    programme = selectors.programme_get(actor=request.user, pk=pk)
    row = selectors.programme_site_get(programme=programme, site_pk=site_pk)
    services.programme_site_remove(actor=request.user, programme_site=row)
    messages.success(request, _("%(site)s no longer takes part.") % {"site": row.site.name})
    return redirect("events:programme_detail", programme.pk)


def _session_form(request: HttpRequest, programme, session=None) -> HttpResponse:
    ensure(can_manage_programme(request.user, programme), services.NOT_YOURS)
    initial = {}
    if session is not None:
        initial = {field: getattr(session, field) for field in services.SESSION_FIELDS}
        initial["starts_at"] = timezone.localtime(session.starts_at)
        initial["ends_at"] = timezone.localtime(session.ends_at)
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and call_service(
            form, services.session_save, actor=request.user, programme=programme, session=session,
            **form.cleaned_data):
        messages.success(request, _("The session was saved."))
        return redirect("events:programme_detail", programme.pk)
    return render(request, "events/session_form.html", {"form": form, "programme": programme, "session": session})


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_form(request, selectors.programme_get(actor=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    programme = selectors.programme_get(actor=request.user, pk=pk)
    return _session_form(request, programme, selectors.session_get(programme=programme, pk=session_pk))


@login_required
@require_GET
def session_readiness(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The host's view before a session: which sites have not tested the connection (due 60 minutes ahead) or
    confirmed their list (due 15 minutes ahead)."""
    programme = selectors.programme_get(actor=request.user, pk=pk)
    ensure(can_manage_programme(request.user, programme), services.NOT_YOURS)
    session = selectors.session_get(programme=programme, pk=session_pk)
    readiness = selectors.readiness_map(session)
    minutes_left = (session.starts_at - timezone.now()).total_seconds() / 60
    rows = []
    for row in selectors.programme_sites(programme):
        state = readiness.get(row.site_id)
        tested = bool(state and state.connection_tested_at)
        listed = bool(state and state.list_confirmed_at)
        late = ((not tested and minutes_left <= CONNECTION_DUE_MINUTES)
                or (not listed and minutes_left <= LIST_DUE_MINUTES))
        rows.append({"row": row, "state": state, "tested": tested, "listed": listed, "late": late})
    only_missing = request.GET.get("chua-san-sang") == "1"
    shown = [r for r in rows if not (r["tested"] and r["listed"])] if only_missing else rows
    return render(request, "events/session_readiness.html", {
        "programme": programme, "session": session, "rows": shown, "total": len(rows),
        "untested": sum(1 for r in rows if not r["tested"]), "unlisted": sum(1 for r in rows if not r["listed"]),
        "late": sum(1 for r in rows if r["late"]), "minutes_left": minutes_left, "only_missing": only_missing,
        "connection_due": CONNECTION_DUE_MINUTES, "list_due": LIST_DUE_MINUTES,
    })


@login_required
@require_http_methods(["GET", "POST"])
def site_programme(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    """A site's page in a programme, for its coordinator: the expected head count, each session's preparations,
    and the people expected."""
    programme = selectors.programme_get(actor=request.user, pk=pk)
    row = selectors.programme_site_get(programme=programme, site_pk=site_pk)
    if not can_act_for_site(request.user, row.site):  # another unit's site: as if it did not exist
        raise Http404(_("This site does not take part in the programme."))
    form = ExpectedForm(request.POST or None, initial={"expected": row.expected_override})
    if request.method == "POST" and form.is_valid() and call_service(
            form, services.expected_set, actor=request.user, programme_site=row,
            expected=form.cleaned_data["expected"]):
        messages.success(request, _("The expected head count was saved."))
        return redirect("events:site_programme", programme.pk, row.site_id)
    query = request.GET.get("q", "")[:200]
    people = selectors.site_people(programme, row.site).select_related("unit").order_by("sort_key", "id")
    if query:
        people = people.search(query)
    sessions = list(programme.sessions.all())
    states = {r.session_id: r for r in row.site.site_sessions.filter(session__programme=programme)}
    return render(request, "events/site_programme.html", {
        "programme": programme, "row": row, "site": row.site, "form": form, "q": query,
        "sessions": [(session, states.get(session.pk)) for session in sessions], "now": timezone.now(),
        "page": paginate(request, people), "querystring": querystring_without_page(request),
    })


@login_required
@require_POST
def readiness_confirm(request: HttpRequest, pk: int, site_pk: int, session_pk: int) -> HttpResponse:
    programme = selectors.programme_get(actor=request.user, pk=pk)
    row = selectors.programme_site_get(programme=programme, site_pk=site_pk)
    if not can_act_for_site(request.user, row.site):
        raise Http404(_("This site does not take part in the programme."))
    session = selectors.session_get(programme=programme, pk=session_pk)
    step, done = request.POST.get("step", ""), request.POST.get("done", "1") == "1"
    try:
        services.readiness_confirm(actor=request.user, session=session, site=row.site, step=step, done=done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("events:site_programme", programme.pk, row.site_id)


@login_required
@require_GET
def session_board(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The live board for the host and the operations centre's wall screen (?man-hinh=1: large type)."""
    programme = selectors.programme_get(actor=request.user, pk=pk)
    ensure(can_manage_programme(request.user, programme), services.NOT_YOURS)
    session = selectors.session_get(programme=programme, pk=session_pk)
    return render(request, "events/session_board.html", {
        "programme": programme, "session": session, "board": selectors.shared_board(session),
        "wall": request.GET.get("man-hinh") == "1", "poll_seconds": 10,
    })


@login_required
@require_GET
def session_board_json(request: HttpRequest, pk: int, session_pk: int) -> JsonResponse:
    programme = selectors.programme_get(actor=request.user, pk=pk)
    ensure(can_manage_programme(request.user, programme), services.NOT_YOURS)
    response = JsonResponse(selectors.shared_board(selectors.session_get(programme=programme, pk=session_pk)))
    response["Cache-Control"] = "private, max-age=5"
    return response


@login_required
@require_GET
def programme_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Attendance per site and unit for every session: .xlsx (with the named check-ins) or a PDF summary."""
    programme = selectors.programme_get(actor=request.user, pk=pk)
    ensure(can_manage_programme(request.user, programme), services.NOT_YOURS)
    if fmt not in ("xlsx", "pdf"):
        raise Http404(_("No such report."))
    if fmt == "pdf":
        response = HttpResponse(attendance_pdf(programme), content_type="application/pdf")
    else:  # the named list: only the people of the actor's own units
        response = HttpResponse(attendance_xlsx(programme, scope=scope_of(request.user)), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="diem-danh-chuong-trinh-{programme.pk}.{fmt}"'
    return response


@csrf_exempt  # the video system posts here with its checksum, not a browser with a session
@require_POST
def bbb_webhook(request: HttpRequest) -> JsonResponse:
    """BigBlueButton's join and leave events (hocso.events.webhooks). The checksum covers the callback URL as it was
    registered, which a proxy may rewrite on the way: it is configured (HOCSO_BBB_CALLBACK_URL), never guessed."""
    callback_url = settings.HOCSO_BBB_CALLBACK_URL
    try:
        webhooks.authenticate(callback_url=callback_url, body=request.body,
                              checksum=request.GET.get("checksum", ""),
                              authorization=request.headers.get("Authorization", ""))
        received = webhooks.receive(request.POST.get("event", ""))
    except webhooks.Refused as refused:
        # bbb-webhooks takes a 401 as delivered and does not retry: say so where the operator will look.
        logger.warning("BigBlueButton webhook refused (%s): %s", refused.status, refused.message)
        return JsonResponse({"error": refused.message}, status=refused.status)
    return JsonResponse({"stored": received.stored, "ignored": received.ignored})


@login_required
@require_POST
def programme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(actor=request.user, pk=pk)
    publish = request.POST.get("publish") == "1"
    services.programme_publish(actor=request.user, programme=programme, publish=publish)
    messages.success(request, _("The attendance is on the public pages.") if publish
                     else _("The attendance is no longer on the public pages."))
    return redirect("events:programme_detail", programme.pk)


@login_required
@require_POST
def programme_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(actor=request.user, pk=pk)
    services.programme_certificates_issue(actor=request.user, programme=programme)
    messages.success(request, _("Certificates of participation are being issued to everyone who attended an ended "
                                "session; each person receives one, however often this is asked."))
    return redirect("events:programme_detail", programme.pk)
