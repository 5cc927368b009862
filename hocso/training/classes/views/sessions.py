"""Session pages: create/edit/delete, marking attendance, the check-in QR code, the learner's check-in, attendance
rates, and the learner's calendar feed. Thin views."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure

from ...permissions import can_run_class, can_take_attendance
from .. import calendar, selectors, services
from .. import checkin as checkin_codes
from ..forms import SessionForm


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    klass = selectors.class_get(actor=request.user, pk=pk)
    ensure(can_run_class(request.user, klass), _("You cannot change this class."))
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (
        session := call_service(form, services.session_create, actor=request.user, klass=klass, **form.cleaned_data)
    ):
        messages.success(request, _("The session was added."))
        return redirect("training:session", pk=session.pk)
    return render(request, "training/classes/sessions/form.html", {"form": form, "klass": klass, "session": None})


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(actor=request.user, pk=pk)
    ensure(can_run_class(request.user, session.klass), _("You cannot change this class."))
    form = SessionForm(request.POST or None, instance=session)
    # The service gets the session as stored: validating the form has already written the input onto `session`.
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.session_update, actor=request.user, session=selectors.session_get(actor=request.user, pk=pk),
        **form.cleaned_data,
    ):
        messages.success(request, _("The session was saved."))
        return redirect("training:session", pk=pk)
    return render(request, "training/classes/sessions/form.html",
                  {"form": form, "klass": session.klass, "session": session})


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(actor=request.user, pk=pk)
    runs = can_take_attendance(request.user, session.klass)
    if request.method == "POST":
        ensure(runs, _("You cannot mark attendance for this class."))
        try:
            present = {int(value) for value in request.POST.getlist("present")}
            added, removed = services.mark_attendance(actor=request.user, session=session, present=present)
        except (ValueError, ValidationError) as exc:
            messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else _("Invalid choice."))
        else:
            messages.success(request, _("Attendance saved: %(added)d marked present, %(removed)d unmarked.")
                             % {"added": added, "removed": removed})
        return redirect("training:session", pk=pk)
    roll = selectors.class_roll_for(actor=request.user, klass=session.klass, runs_class=runs)
    present = dict(session.attendances.values_list("learner_id", "method"))
    return render(request, "training/classes/sessions/detail.html", {
        "session": session, "klass": session.klass, "roll": list(roll), "present": present, "runs": runs,
    })


@login_required
@never_cache
def session_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The code shown on the screen in the room; the page reloads itself before the code expires."""
    session = selectors.session_get(actor=request.user, pk=pk)
    ensure(can_take_attendance(request.user, session.klass), _("You cannot mark attendance for this class."))
    url = request.build_absolute_uri(reverse("training:checkin", args=[checkin_codes.checkin_token(session)]))
    # segno writes the SVG itself (no user input besides our own URL), so it is safe to embed as is.
    svg = segno.make(url, error="m").svg_inline(scale=6, border=2, title=_("Check-in code"))
    return render(request, "training/classes/sessions/qr.html", {
        "session": session, "klass": session.klass, "url": url, "qr_svg": mark_safe(svg),
        "refresh": max(checkin_codes.checkin_max_age() // 2, 10),
    })


@login_required
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The learner lands here from the code: GET shows the session, POST checks them in."""
    error = None
    session = None
    try:
        session = checkin_codes.session_for_token(token)
        if request.method == "POST":
            services.check_in(actor=request.user, token=token)
            messages.success(request, _("You are checked in. Thank you."))
            return redirect("training:course", pk=session.klass.course_id)
    except checkin_codes.CheckinError as exc:
        error = exc
    status = {"expired": 410, "invalid": 400, "not_enrolled": 403, "already": 409}.get(getattr(error, "code", ""), 200)
    return render(request, "training/classes/sessions/checkin.html", {"session": session, "error": error},
                  status=status)


@login_required
def class_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance rate per learner; focal points see their people only."""
    klass = selectors.class_get(actor=request.user, pk=pk)
    roll = selectors.class_roll_for(actor=request.user, klass=klass)
    held, attended = selectors.class_rates(klass)
    page = paginate(request, roll)
    rows = [(learner, attended.get(learner.pk, 0), selectors.rate(attended.get(learner.pk, 0), held))
            for learner in page]
    return render(request, "training/classes/sessions/rates.html", {
        "klass": klass, "held": held, "rows": rows, "page": page, "querystring": querystring_without_page(request),
        "sessions": list(klass.sessions.all()),
    })


@login_required
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm deleting a session; refused once attendance was recorded for it."""
    session = selectors.session_get(actor=request.user, pk=pk)
    ensure(can_run_class(request.user, session.klass), _("You cannot change this class."))
    if request.method == "POST":
        try:
            services.session_delete(actor=request.user, session=session)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("training:session_delete", pk=pk)
        messages.success(request, _("The session was deleted."))
        return redirect("training:class", pk=session.klass_id)
    return render(request, "training/classes/sessions/delete.html", {
        "session": session, "klass": session.klass, "attended": session.attendances.count(),
    })


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The learner's sessions for calendar apps, which cannot sign in: the signed address is the key."""
    user_id = calendar.user_id_for_token(token)
    learner = calendar.learner_for_feed(user_id) if user_id else None
    if learner is None:
        raise Http404
    body = calendar.ics(calendar.sessions_for_learner(learner), host=request.get_host().split(":")[0],
                        name=_("My classes"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-hoc.ics"'
    return response
