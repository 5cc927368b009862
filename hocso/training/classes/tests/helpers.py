"""Helpers for the class-list tests (not a test module): a real .xlsx as offices send it, and its upload."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[list], title: str = "DANH SÁCH HỌC VIÊN ĐĂNG KÝ LỚP") -> bytes:
    """A list as offices send it: a title row and a blank row above the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, klass, content: bytes, name: str = "danh-sach.xlsx", content_type: str = XLSX):
    client.cookies["hocso_language"] = "en"
    return client.post(reverse("training:class_enrol_list", args=[klass.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type=content_type)})
