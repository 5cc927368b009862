"""Hostile question files: the question bank's Excel import goes through the shared bounded reader, and a NUL
character in a GIFT or Moodle XML file is a clear file-level error. Before issue 11 the question-bank .xlsx zip bomb
took 17 s and 2.25 GB (openpyxl, read-only mode)."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from hocso.assessment.bank.formats import common
from hocso.assessment.models import Question, QuestionImport
from hocso.tests import hostile_files as hostile

CASES = [
    pytest.param(lambda: hostile.zip_bomb_xlsx(header=hostile.QUESTION_HEADER), "200,0 MB", id="zip-bomb"),
    pytest.param(lambda: hostile.zip_bomb_xlsx(header=hostile.QUESTION_HEADER, declared_size=900), "100",
                 id="zip-bomb-lying-header"),
    pytest.param(hostile.far_cell_xlsx, "XFD1048576", id="far-cell"),
    pytest.param(hostile.merged_xlsx, "A1:XFD20000", id="merged-range"),
]


@pytest.mark.parametrize(("make", "words"), CASES)
def test_question_bank_xlsx_reader_refuses_hostile_files_in_bounded_memory(make, words):
    content = make()

    def parse():
        with translation.override("vi"):
            result = common.parse(content, common.XLSX)
        return result.errors, len(result.questions)

    outcome = hostile.run_bounded(parse, extra_memory_mb=512, timeout=20)
    assert not outcome.died and not outcome.error, outcome
    errors, questions = outcome.value
    assert questions == 0 and len(errors) == 1 and words in errors[0], errors
    assert outcome.seconds < 5


def test_the_zip_bomb_through_the_import_page_is_a_clear_error_and_imports_nothing(author, category):
    response = author.post(reverse("assessment:bank_import"), {
        "file": SimpleUploadedFile("ngan-hang.xlsx", hostile.zip_bomb_xlsx(header=hostile.QUESTION_HEADER)),
        "category": category.pk, "file_format": ""})
    assert response.status_code == 302
    preview = html.unescape(author.get(response["Location"]).content.decode())
    assert "Unpacked, this Excel file would take more than 200,0 MB" in preview
    assert author.post(response["Location"]).status_code == 200  # nothing to confirm
    assert not Question.objects.exists() and QuestionImport.objects.get().applied_at is None


@pytest.mark.parametrize(("file_format", "content"), [
    (common.GIFT, "::Câu 1::Thủ đô? {=Hà Nội ~Huế}\n\n::Câu 2::Tên\x00 miền? {=.vn ~.com}\n".encode()),
    (common.MOODLE_XML, b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<question type="essay"><name><text>A\x00'
                        b"</text></name></question></quiz>"),
])
def test_a_nul_character_in_a_text_question_file_is_a_file_level_error(file_format, content):
    with translation.override("en"):
        result = common.parse(content, file_format)
    assert not result.questions
    assert result.errors == ["Line 3 of the file contains a NUL character (code 0): the file is damaged or is not a "
                             "text file. Save it again as UTF-8 text and import it again."]
