"""The certificate as a PDF: A4 landscape, fpdf2 with DejaVu Sans (which covers Vietnamese), and a QR code of its
public verification address.

Public: `vietnamese_pdf` starts every PDF the product writes (campaign reports, programme attendance), with the
same installed font (`font_path`).
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from hocso.core.formatting import day, points

from ..models import Certificate

# Installed fonts only, never fetched: Debian's fonts-dejavu-core, then matplotlib's bundled copy if present.
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]


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


def vietnamese_pdf(*, orientation: str = "P", title: str = ""):
    """An A4 fpdf2 document with DejaVu Sans ("DejaVu", regular and "B") for the Vietnamese diacritics: every PDF
    the product writes (certificates, official reports, attendance) starts here."""
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(font_path("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(font_path("DejaVuSans-Bold.ttf")))
    if title:
        pdf.set_title(title)
    return pdf


def certificate_pdf(certificate: Certificate, *, verify_url: str, province: str) -> bytes:
    pdf = vietnamese_pdf(orientation="L")
    pdf.set_auto_page_break(False)
    pdf.add_page()
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
    pdf.cell(0, 10, _("has completed the course") if certificate.course_id else _("has taken part in"), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 10, certificate.course_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.cell(0, 8, _("Duration: %(hours)s hours. Issued on %(date)s.") % {
        "hours": points(certificate.hours), "date": day(certificate.issued_at)}, align="C", new_x="LMARGIN",
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
