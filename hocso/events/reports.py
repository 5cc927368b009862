"""After a programme: attendance per site and per unit for every session (.xlsx, with the named check-ins on a sheet
of their own) and a PDF summary to attach to the report letter (fpdf2, DejaVu Sans for the diacritics). For the
host only: the named list holds personal data (the CCCD is masked)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.cccd import mask_cccd
from hocso.core.exporting import add_sheet, append_row, cell, new_workbook, workbook_bytes
from hocso.core.formatting import day, moment, number
from hocso.core.scoping import EVERYTHING, UnitScope
from hocso.training.certificates.pdf import vietnamese_pdf

from .models import CheckIn, Programme
from .programme_selectors import board


def _boards(programme: Programme) -> list[tuple]:
    return [(session, board(session)) for session in programme.sessions.select_related("programme")]


def attendance_xlsx(programme: Programme, *, scope: UnitScope = EVERYTHING) -> bytes:
    """`scope`: whose names the named sheet lists (the sites of the actor's units); the figures are aggregates."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = new_workbook()
    boards = _boards(programme)
    sites = add_sheet(book, _("By site"))
    append_row(sites, [cell(sites, programme.title, font=bold)])
    append_row(sites, [settings.HOCSO_PROVINCE_NAME, "", "", "", "", "", _("Dated %(day)s") % {
        "day": day(timezone.localdate())}])
    append_row(sites, [])
    append_row(sites, [cell(sites, text, font=bold) for text in (
        _("Session"), _("Bridge site"), _("Unit"), _("Expected"), _("Checked in by name"), _("Head count"),
        _("Present"))])
    for session, data in boards:
        for site in data["sites"]:
            append_row(sites, [session.title, site["name"], site["unit"], site["expected"], site["named"],
                               site["head"], site["attendance"]])
        totals = data["totals"]
        append_row(sites, [cell(sites, session.title, font=bold), cell(sites, _("Total"), font=bold), "",
                           totals["expected"], totals["named"], "", totals["attendance"]])
    units = add_sheet(book, _("By unit"))
    append_row(units, [cell(units, text, font=bold) for text in (
        _("Session"), _("Unit"), _("Sites"), _("Sites reporting"), _("Expected"), _("Present"))])
    for session, data in boards:
        for unit in data["units"]:
            append_row(units, [session.title, unit["unit"], unit["sites"], unit["reporting"], unit["expected"],
                               unit["attendance"]])
    named = add_sheet(book, _("Named check-ins"))
    append_row(named, [cell(named, text, font=bold) for text in (
        _("Session"), _("Bridge site"), _("Full name"), _("CCCD"), _("Unit"), _("Checked in at"), _("Late"), _("How"))])
    for check_in in (CheckIn.objects.filter(scope.q("site__unit__path"), session__programme=programme)
                     .select_related("session", "site", "learner__unit").order_by("session__starts_at", "site_id",
                                                                                  "checked_at")):
        append_row(named, [check_in.session.title, check_in.site.name, check_in.learner.full_name,
                           mask_cccd(check_in.learner.cccd), check_in.learner.unit.name if check_in.learner.unit_id
                           else "", timezone.localtime(check_in.checked_at), _("Yes") if check_in.late else "",
                           check_in.get_method_display()])
    return workbook_bytes(book)


def attendance_pdf(programme: Programme, *, today: dt.date | None = None) -> bytes:
    """The programme's figures: each session's totals, then each unit's attendance in each session."""
    today = today or timezone.localdate()
    pdf = vietnamese_pdf(title=programme.title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 7, settings.HOCSO_PROVINCE_NAME.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, _("Attendance report: %(title)s") % {"title": programme.title}, align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 6, _("Host unit: %(unit)s") % {"unit": programme.host_unit.name}, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _("Dated %(day)s") % {"day": day(today)}, align="R", new_x="LMARGIN", new_y="NEXT")
    for session, data in _boards(programme):
        totals = data["totals"]
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 6, f"{session.title} — {moment(session.starts_at)}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 6, _("%(present)s present of %(expected)s expected, %(named)s checked in by name; "
                               "%(reporting)s of %(sites)s sites reported.") % {
            key: number(value) for key, value in (("present", totals["attendance"]), ("expected", totals["expected"]),
                                                  ("named", totals["named"]), ("reporting", totals["reporting"]),
                                                  ("sites", totals["sites"]))}, new_x="LMARGIN", new_y="NEXT")
        with pdf.table(col_widths=(90, 30, 30, 30), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                       line_height=5.5) as table:
            pdf.set_font("DejaVu", "B", 9)
            table.row([_("Unit"), _("Sites reporting"), _("Present"), _("Expected")])
            pdf.set_font("DejaVu", "", 9)
            for unit in data["units"]:
                table.row([unit["unit"], f'{number(unit["reporting"])}/{number(unit["sites"])}',
                           number(unit["attendance"]), number(unit["expected"])])
    return bytes(pdf.output())
