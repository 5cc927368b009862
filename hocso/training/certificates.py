"""Certificates: issued when the course's completion rule is met, rendered as PDF (fpdf2 with DejaVu Sans, which
covers Vietnamese), verified on a public page by their code."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import segno
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.audit import audit
from hocso.identity.scoping import ensure, is_province_admin

from .completion import course_status
from .models import Certificate, Enrolment, EnrolmentStatus

# Installed fonts only, never fetched: Debian's fonts-dejavu-core, then matplotlib's bundled copy if present.
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


def _font_dirs() -> list[Path]:
    dirs = list(FONT_DIRS)
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    return dirs


def font_path(name: str = "DejaVuSans.ttf") -> Path:
    for directory in _font_dirs():
        if (directory / name).is_file():
            return directory / name
    raise ImproperlyConfigured(f"{name} not found; install fonts-dejavu-core (or matplotlib).")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def can_issue(actor, enrolment: Enrolment) -> bool:
    own = enrolment.learner.user_id is not None and enrolment.learner.user_id == getattr(actor, "pk", None)
    if own or is_province_admin(actor):
        return True
    from .services_classes import can_run_class

    return enrolment.klass is not None and can_run_class(actor, enrolment.klass)


@transaction.atomic
def certificate_issue(*, actor, enrolment: Enrolment) -> Certificate:
    """The certificate of a completed course (the same one if already issued)."""
    ensure(can_issue(actor, enrolment), _("You cannot issue this certificate."))
    existing = Certificate.objects.filter(learner=enrolment.learner, course=enrolment.course).first()
    if existing is not None:
        return existing
    if enrolment.status != EnrolmentStatus.ACTIVE or not course_status(enrolment.course, enrolment.learner).complete:
        raise ValidationError(_("The course is not completed yet."))
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=new_code(), learner=enrolment.learner, course=enrolment.course,
                    learner_name=enrolment.learner.full_name, course_title=enrolment.course.title,
                    hours=enrolment.course.hours, issued_at=now,
                )
            break
        except IntegrityError:  # a code collision: draw again
            continue
    else:  # pragma: no cover - 32^12 codes
        raise RuntimeError("could not draw a unique certificate code")
    Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(completed_at=now)
    audit(actor, "certificate.issue", certificate, after={"course": enrolment.course_id,
                                                          "learner": enrolment.learner_id})
    return certificate


def certificate_pdf(certificate: Certificate, *, verify_url: str, province: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(font_path("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(font_path("DejaVuSans-Bold.ttf")))
    pdf.set_draw_color(30, 80, 150)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_font("DejaVu", "", 14)
    pdf.set_y(25)
    pdf.cell(0, 8, province, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 30)
    pdf.cell(0, 22, _("CERTIFICATE"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 14)
    pdf.cell(0, 10, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 24)
    pdf.cell(0, 16, certificate.learner_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 14)
    pdf.cell(0, 10, _("has completed the course"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 10, certificate.course_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    local = timezone.localtime(certificate.issued_at)
    pdf.cell(0, 8, _("Duration: %(hours)s hours. Issued on %(date)s.") % {
        "hours": f"{certificate.hours:g}", "date": local.strftime("%d/%m/%Y")}, align="C", new_x="LMARGIN",
        new_y="NEXT")
    buffer = io.BytesIO()
    segno.make(verify_url, error="m").save(buffer, kind="png", scale=4, border=1)
    buffer.seek(0)
    pdf.image(buffer, x=235, y=150, w=40)
    pdf.set_xy(20, 175)
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(200, 6, _("Verification code: %(code)s") % {"code": certificate.code}, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.cell(200, 6, verify_url)
    return bytes(pdf.output())
