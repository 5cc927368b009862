"""The question bank pages through the real HTTP stack: permissions, tree, forms per type, versions, preview,
search, import preview → confirm, export, images, and the import_questions command."""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from hocso.assessment.bank.services import category_create
from hocso.assessment.bank.tests.helpers import DATA, filled_template, page, url
from hocso.assessment.exam.services import attempt_start
from hocso.assessment.models import Category, Question, QuestionImport, QuestionType, Sharing
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.core.models import AuditEntry
from hocso.tests.factories import make_learner

pytestmark = pytest.mark.usefixtures("english")


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc00000030101"
    "00c9fe92ef0000000049454e44ae426082"
)


# --- Permissions -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["learner_user", "focal_a"])
def test_learners_and_focal_points_are_refused(client, request, who, category):
    question = make_question(category)
    client.force_login(request.getfixturevalue(who))
    for address in (url("bank_home"), url("bank_category", category.pk), url("bank_question", question.pk),
                    url("bank_question_versions", question.pk), url("bank_import"), url("bank_import_template"),
                    url("bank_question_create") + "?type=single", url("bank_export_category", category.pk)):
        assert client.get(address).status_code == 403, address
    assert client.post(url("bank_export"), {"ids": [question.pk]}).status_code == 403
    assert client.post(url("bank_question_archive", question.pk)).status_code == 403
    assert not Question.objects.filter(is_archived=True).exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(url("bank_home"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_menu_shows_the_bank_to_authors_only(client, instructor, focal_a):
    client.force_login(instructor)
    assert url("bank_home") in page(client.get(reverse("core:home")))
    client.force_login(focal_a)
    assert url("bank_home") not in page(client.get(reverse("core:home")))


def test_private_category_of_another_author_is_404(author, other_instructor, instructor):
    private = category_create(actor=other_instructor, name="Riêng", sharing=Sharing.PRIVATE)
    question = make_question(private)
    assert author.get(url("bank_category", private.pk)).status_code == 404
    assert author.get(url("bank_question", question.pk)).status_code == 404
    own = category_create(actor=instructor, name="Của tôi", sharing=Sharing.PRIVATE)
    assert author.get(url("bank_category", own.pk)).status_code == 200
    assert "Riêng" not in page(author.get(url("bank_home")))


def test_author_cannot_edit_someone_elses_question_in_a_shared_category(author, other_instructor):
    shared = category_create(actor=other_instructor, name="Chung")
    question = make_question(shared)
    assert author.get(url("bank_question", question.pk)).status_code == 200
    assert author.get(url("bank_question_edit", question.pk)).status_code == 403
    assert author.post(url("bank_question_archive", question.pk), {"archived": "1"}).status_code == 403


# --- Tree and categories -----------------------------------------------------------------------------------------


def counts_shown(response, category: Category) -> tuple[int, int]:
    match = re.search(rf'data-category="{category.pk}" data-count="(\d+)" data-total="(\d+)"', page(response))
    assert match, f"{category.name} is not in the tree"
    return int(match.group(1)), int(match.group(2))


def test_tree_shows_question_counts(author, category):
    child = make_category("An toàn thông tin", parent=category)
    make_question(category)
    for i in range(3):
        make_question(child, name=f"Câu {i}")
    archived = make_question(child, name="Cũ")
    archived.is_archived = True
    archived.save()
    response = author.get(url("bank_home"))
    assert counts_shown(response, category) == (1, 4)
    assert counts_shown(response, child) == (3, 3)


def test_create_a_category_inside_another(author, category):
    response = author.post(url("bank_category_create"), {"name": "Dịch vụ công", "parent": category.pk,
                                                        "sharing": Sharing.PROVINCE})
    created = Category.objects.get(name="Dịch vụ công")
    assert response.status_code == 302 and response["Location"] == url("bank_category", created.pk)
    assert created.parent == category
    again = author.post(url("bank_category_create"), {"name": "Dịch vụ công", "parent": category.pk,
                                                     "sharing": Sharing.PROVINCE})
    assert again.status_code == 200 and "already a category" in page(again)


# --- Question forms ----------------------------------------------------------------------------------------------


def common_fields(category, **extra) -> dict:
    return {"name": "Câu mới", "category": category.pk, "text": "<p>Câu hỏi <b>mới</b>?</p><script>x()</script>",
            "default_mark": "1", "difficulty": "2", "tags": "An toàn, mật khẩu", **extra}


FORMS = {
    QuestionType.SINGLE: ({"shuffle": "on", "option-text": ["Đúng", "Sai", ""], "option-grade": ["100", "0", ""],
                           "option-feedback": ["Tốt", "", ""]},
                          lambda d: [o["fraction"] for o in d["options"]] == ["1", "0"] and d["shuffle"]),
    QuestionType.MULTIPLE: ({"partial_credit": "on", "negative_marking": "on",
                             "option-text": ["A", "B", "C", "D"],
                             "option-grade": ["33.33333", "33.33333", "33.33333", "-100"],
                             "option-feedback": ["", "", "", ""]},
                            lambda d: d["partial_credit"] and d["negative_marking"] and len(d["options"]) == 4),
    QuestionType.TRUE_FALSE: ({"correct": "false", "feedback_true": "Chưa đúng"},
                              lambda d: d["correct"] is False and d["feedback_true"] == "Chưa đúng"),
    QuestionType.SHORT_ANSWER: ({"ignore_diacritics": "on", "answer-text": ["Hà Nội", "HN"],
                                 "answer-grade": ["100", "50"], "answer-feedback": ["", ""]},
                                lambda d: d["ignore_diacritics"] and [a["fraction"] for a in d["answers"]] == ["1",
                                                                                                              "0.5"]),
    QuestionType.MATCHING: ({"shuffle": "on", "pair-left": ["VNeID", "DVC", ""],
                             "pair-right": ["Bộ Công an", "VPCP", ""], "distractors": "Bộ Tài chính\n"},
                            lambda d: len(d["pairs"]) == 2 and d["distractors"][0]["text"] == "Bộ Tài chính"),
    QuestionType.ESSAY: ({"min_words": "10", "max_words": "200", "grader_info": "Chấm theo ý"},
                         lambda d: d["min_words"] == 10 and d["max_words"] == 200),
}


@pytest.mark.parametrize("qtype", list(FORMS))
def test_create_each_type_through_its_form(author, category, qtype):
    form_page = author.get(url("bank_question_create") + f"?type={qtype}&category={category.pk}")
    assert form_page.status_code == 200
    fields, check = FORMS[qtype]
    response = author.post(url("bank_question_create") + f"?type={qtype}", common_fields(category, **fields))
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == url("bank_question", question.pk)
    assert question.qtype == qtype and question.owner.username == "giangvien"
    assert "<script>" not in question.current_version.text and "<b>mới</b>" in question.current_version.text
    assert sorted(question.tags.values_list("name", flat=True)) == ["an toàn", "mật khẩu"]
    assert check(question.current_version.data)
    assert author.get(url("bank_question", question.pk)).status_code == 200


def test_form_reports_every_problem_at_once(author, category):
    response = author.post(url("bank_question_create") + "?type=single", {
        "name": "", "category": category.pk, "text": "", "default_mark": "0", "difficulty": "2",
        "option-text": ["A", "B"], "option-grade": ["50", "x"], "option-feedback": ["", ""],
    })
    assert response.status_code == 200 and not Question.objects.exists()
    errors = page(response)
    assert errors.count('class="error-text"') >= 3  # name, text, mark
    assert "Row 2" in errors
    again = author.post(url("bank_question_create") + "?type=single", common_fields(
        category, **{"option-text": ["A", "B"], "option-grade": ["50", "0"], "option-feedback": ["", ""]}))
    assert again.status_code == 200 and "100%" in page(again)
    assert 'value="A"' not in page(again) and ">A</textarea>" in page(again)  # typed rows are kept


def test_htmx_adds_a_blank_row(author):
    response = author.get(url("bank_form_row") + "?kind=pair", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'name="pair-left"' in page(response)
    assert author.get(url("bank_form_row") + "?kind=evil").status_code == 404


def test_uploaded_image_is_stored_and_served(author, category, settings, tmp_path, learner_user):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    fields = common_fields(category, image_alt="Sơ đồ", **FORMS[QuestionType.ESSAY][0])
    fields["image"] = SimpleUploadedFile("so-do.png", PNG, content_type="image/png")
    assert author.post(url("bank_question_create") + "?type=essay", fields).status_code == 302
    text = Question.objects.get().current_version.text
    src = re.search(r'<img src="([^"]+)" alt="Sơ đồ">', text).group(1)
    assert src.startswith(url("bank_home") + "anh/")
    learner = Client()
    learner.force_login(learner_user)  # learners see images in their papers
    served = learner.get(src)
    assert served.status_code == 200 and served["Content-Type"] == "image/png" and served.content == PNG
    bad = common_fields(category, **FORMS[QuestionType.ESSAY][0])
    bad["image"] = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = author.post(url("bank_question_create") + "?type=essay", bad)
    assert response.status_code == 200 and "not a PNG" in page(response)
    assert author.get(url("bank_image", "settings.py")).status_code == 404
    assert author.get(url("bank_image", "x.png").replace("x.png", "..%2Fsettings.py")).status_code == 404


# --- Versions, preview, archive ----------------------------------------------------------------------------------


def test_editing_adds_a_version_and_answers_keep_theirs(author, instructor, category, commune_a):
    question = make_question(category, name="Câu gốc")
    Question.objects.filter(pk=question.pk).update(owner=instructor)
    quiz = make_quiz(questions=[question])
    attempt = attempt_start(learner=make_learner(commune_a, "Lê Văn Tám"), quiz=quiz)
    first = question.current_version
    edit_page = author.get(url("bank_question_edit", question.pk))
    assert ">Đúng</textarea>" in page(edit_page) and 'value="100"' in page(edit_page)
    response = author.post(url("bank_question_edit", question.pk), common_fields(category, **{
        "name": "Câu đã sửa", "option-text": ["Có", "Không"], "option-grade": ["0", "100"],
        "option-feedback": ["", ""]}))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.current_version.number == 2 and question.name == "Câu đã sửa"
    assert attempt.questions.get().version == first  # the learner's paper is unchanged
    history = page(author.get(url("bank_question_versions", question.pk)))
    assert 'data-version="2"' in history and 'data-version="1"' in history
    old = page(author.get(url("bank_question", question.pk) + "?version=1"))
    assert "version 1" in old and "Đúng" in old
    assert author.get(url("bank_question", question.pk) + "?version=9").status_code == 404


def test_preview_checks_an_answer_like_the_exam_would(author, category):
    question = make_question(category)
    right = author.post(url("bank_question", question.pk), {"choice": "a"})
    assert "earns 100" in page(right)
    wrong = author.post(url("bank_question", question.pk), {"choice": "b"})
    assert "earns 0" in page(wrong)
    matching = make_question(category, qtype=QuestionType.MATCHING, data={
        "pairs": [{"id": "p1", "left": "1", "right": "một"}, {"id": "p2", "left": "2", "right": "hai"}]})
    half = author.post(url("bank_question", matching.pk), {"match-p1": "p1", "match-p2": "p1"})
    assert "earns 50" in page(half)
    essay = make_question(category, qtype=QuestionType.ESSAY, data={})
    assert "instructor grades" in page(author.post(url("bank_question", essay.pk), {"text": "Bài làm"}))


def test_archive_and_restore(author, instructor, category):
    question = make_question(category)
    Question.objects.filter(pk=question.pk).update(owner=instructor)
    author.post(url("bank_question_archive", question.pk), {"archived": "1"})
    question.refresh_from_db()
    assert question.is_archived
    listing = page(author.get(url("bank_category", category.pk)))
    assert f'data-question="{question.pk}"' not in listing
    archived = page(author.get(url("bank_category", category.pk) + "?archived=archived"))
    assert f'data-question="{question.pk}"' in archived
    author.post(url("bank_question_archive", question.pk), {"archived": "0"})
    question.refresh_from_db()
    assert not question.is_archived
    assert AuditEntry.objects.filter(action="question.restore").exists()


# --- Lists: search, filters, pagination --------------------------------------------------------------------------


def shown(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-question="(\d+)"', page(response))}


def test_search_and_filters(author, category):
    child = make_category("Con", parent=category)
    password = make_question(category, name="Mật khẩu mạnh", tags=["an toàn"], difficulty=1)
    phishing = make_question(category, name="Thư lừa đảo", qtype=QuestionType.TRUE_FALSE, data={"correct": True})
    nested = make_question(child, name="Mật mã", difficulty=3)
    base = url("bank_category", category.pk)
    # A category opens with its sub-categories' questions; "this category only" leaves them out.
    assert shown(author.get(base)) == {password.pk, phishing.pk, nested.pk}
    assert shown(author.get(base + "?sub=off")) == {password.pk, phishing.pk}
    assert shown(author.get(base + "?q=mat&sub=off")) == {password.pk}  # accent-blind, word start
    assert shown(author.get(base + "?q=mat&sub=on")) == {password.pk, nested.pk}
    assert shown(author.get(base + "?q=mat")) == {password.pk, nested.pk}
    assert shown(author.get(base + "?q=khau")) == {password.pk}
    assert shown(author.get(base + "?q=hau")) == set()
    assert shown(author.get(base + "?qtype=truefalse")) == {phishing.pk}
    assert shown(author.get(base + "?difficulty=3&sub=on")) == {nested.pk}
    tag = password.tags.get()
    assert shown(author.get(base + f"?tag={tag.pk}")) == {password.pk}


def test_question_list_is_paginated_with_a_bounded_number_of_queries(author, category, settings,
                                                                     django_assert_max_num_queries):
    settings.HOCSO_PAGE_SIZE = 10
    for i in range(25):
        make_question(category, name=f"Câu {i:02d}", tags=[f"t{i % 3}"])
    with django_assert_max_num_queries(11):
        response = author.get(url("bank_category", category.pk) + "?page=3")
    assert len(shown(response)) == 5
    assert "Page 3 of 3" in page(response)
    with django_assert_max_num_queries(6):
        author.get(url("bank_home"))


# --- Import: preview, then confirm -------------------------------------------------------------------------------


def upload(client, name: str, content: bytes, category, file_format: str = ""):
    return client.post(url("bank_import"), {"file": SimpleUploadedFile(name, content), "category": category.pk,
                                            "file_format": file_format})


def test_import_preview_then_confirm(author, category, other_instructor):
    response = upload(author, "ngan-hang.xml", (DATA / "moodle_sample.xml").read_bytes(), category)
    stored = QuestionImport.objects.get()
    assert response.status_code == 302 and response["Location"] == url("bank_import_preview", stored.pk)
    assert not Question.objects.exists()  # nothing is written before the confirmation
    preview = page(author.get(response["Location"]))
    assert "6 questions ready to import" in preview
    assert "Tính diện tích" in preview and "calculated" in preview and "Điền khuyết" in preview
    assert preview.count("<tr><td>Single choice</td><td class=\"num\">1</td></tr>") == 1
    assert "Import 6 questions" in preview

    client = Client()
    client.force_login(other_instructor)  # another author cannot see or confirm it
    assert client.get(url("bank_import_preview", stored.pk)).status_code == 404
    assert client.post(url("bank_import_preview", stored.pk)).status_code == 404

    confirmed = author.post(url("bank_import_preview", stored.pk))
    assert confirmed.status_code == 302 and confirmed["Location"] == url("bank_category", category.pk)
    assert Question.objects.count() == 6
    assert Category.objects.get(name="Chuyển đổi số", parent=category)
    author.post(url("bank_import_preview", stored.pk))  # a second click imports nothing more
    assert Question.objects.count() == 6
    assert AuditEntry.objects.filter(action="question.import").count() == 1


def test_import_gift_with_format_chosen_and_a_file_level_error(author, category):
    upload(author, "cau-hoi.dat", (DATA / "gift_sample.gift").read_bytes(), category, file_format="gift")
    assert "8 questions ready" in page(author.get(url("bank_import_preview", QuestionImport.objects.get().pk)))
    upload(author, "loi.gift", "::Câu::Đô thi? {=Có}".encode("cp1258"), category)
    latest = QuestionImport.objects.order_by("-pk").first()
    preview = page(author.get(url("bank_import_preview", latest.pk)))
    assert "UTF-8" in preview and '<button type="submit" class="btn">Import' not in preview
    assert author.post(url("bank_import_preview", latest.pk)).status_code == 200
    assert not Question.objects.exists()


def test_import_form_errors(author, category):
    response = author.post(url("bank_import"), {"file": SimpleUploadedFile("x.pdf", b"%PDF"),
                                                "category": category.pk})
    assert response.status_code == 200 and "cannot be recognised" in page(response)
    assert not QuestionImport.objects.exists()


def test_excel_template_download_and_import(author, category):

    template = author.get(url("bank_import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    content = filled_template([{"type": "single", "text": "Thủ đô?", "option:A": "Hà Nội", "option:B": "Huế",
                                "correct": "A"}])
    upload(author, "cau-hoi.xlsx", content, category)
    author.post(url("bank_import_preview", QuestionImport.objects.get().pk))
    assert Question.objects.get().category == category


# --- Export ------------------------------------------------------------------------------------------------------


def test_export_a_category_and_a_selection(author, category, other_instructor):
    child = make_category("Con", parent=category)
    first = make_question(category, name="Một")
    second = make_question(child, name="Hai")
    hidden = make_question(category_create(actor=other_instructor, name="Riêng", sharing=Sharing.PRIVATE))
    response = author.get(url("bank_export_category", category.pk))
    assert response["Content-Disposition"] == 'attachment; filename="chuyen-doi-so.xml"'
    root = ET.fromstring(response.content)
    assert [q.findtext("name/text") for q in root.findall("question") if q.get("type") != "category"] == [
        "Một", "Hai"]
    selection = author.post(url("bank_export"), {"ids": [second.pk, hidden.pk]})
    names = [q.findtext("name/text") for q in ET.fromstring(selection.content).findall("question")]
    assert names == [None, "Hai"]  # the category element, then the one visible question
    nothing = author.post(url("bank_export"), {"ids": [hidden.pk], "back": url("bank_category", category.pk)})
    assert nothing.status_code == 302 and nothing["Location"] == url("bank_category", category.pk)
    assert first.pk  # exported above


# --- The command -------------------------------------------------------------------------------------------------


def test_import_questions_command(db):
    out = io.StringIO()
    call_command("import_questions", str(DATA / "moodle_sample.xml"), "--dry-run", stdout=out)
    report = out.getvalue()
    assert "Ready to import: 6; left out: 5." in report and "#7 Tính diện tích [calculated]" in report
    assert not Question.objects.exists()
    call_command("import_questions", str(DATA / "gift_sample.gift"), "--category", "Nhập/GIFT",
                 stdout=io.StringIO())
    assert Question.objects.count() == 8
    assert Category.objects.get(name="GIFT").parent.name == "Nhập"
    assert AuditEntry.objects.filter(action="question.import").exists()


def test_import_questions_command_refuses_bad_input(db, tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("import_questions", str(tmp_path / "missing.xml"))
    with pytest.raises(CommandError, match="--strict"):
        call_command("import_questions", str(DATA / "moodle_sample.xml"), "--strict", stdout=io.StringIO())
    bad = tmp_path / "bad.gift"
    bad.write_bytes("::Câu::Đô thi? {=Có}".encode("cp1258"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", str(bad), stdout=io.StringIO(), stderr=err)
    assert "UTF-8" in err.getvalue()
    assert not Question.objects.exists()
