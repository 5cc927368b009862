"""Managing question-bank categories through the real HTTP stack (rename, move, delete with or without moving the
contents), who may do it, the audit trail, and who owns what the import_questions command creates."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from hocso.assessment.bank import services as bank
from hocso.assessment.bank.selectors import question_list
from hocso.assessment.bank.services import category_create
from hocso.assessment.bank.tests.helpers import DATA, page, url
from hocso.assessment.models import Category, Question, Sharing
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.core.models import AuditEntry
from hocso.org.models import path_segment

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def tree(instructor):
    """A/B/C and D, all the instructor's, with a question in C."""
    a = category_create(actor=instructor, name="A")
    b = category_create(actor=instructor, name="B", parent=a)
    c = category_create(actor=instructor, name="C", parent=b)
    d = category_create(actor=instructor, name="D")
    make_question(c, name="Câu trong C")
    return a, b, c, d


def fresh(category: Category) -> Category:
    return Category.objects.get(pk=category.pk)


def audits(action: str, category: Category):
    return AuditEntry.objects.filter(action=action, object_type="assessment.category", object_id=str(category.pk))


def assert_consistent(category: Category) -> None:
    """path = parent's path + own segment and depth = parent's depth + 1, all the way down."""
    category = fresh(category)
    parent = category.parent
    assert category.path == (parent.path if parent else "") + path_segment(category.pk)
    assert category.depth == (parent.depth + 1 if parent else 0)
    for child in Category.objects.filter(parent=category):
        assert_consistent(child)


# --- Rename ------------------------------------------------------------------------------------------------------


def test_owner_renames_a_category(author, tree, instructor):
    _a, b, _c, _d = tree
    form = author.get(url("bank_category_rename", b.pk))
    assert form.status_code == 200 and 'value="B"' in page(form)
    response = author.post(url("bank_category_rename", b.pk), {"name": "  Bảo   mật ", "description": "Mới"})
    assert response.status_code == 302 and response["Location"] == url("bank_category", b.pk)
    renamed = fresh(b)
    assert (renamed.name, renamed.description, renamed.path) == ("Bảo mật", "Mới", b.path)
    assert renamed.sort_key != b.sort_key  # ordering follows the new name
    entry = audits("question_category.rename", b).get()
    assert entry.actor == instructor and entry.changes["name"] == ["B", "Bảo mật"]


def test_rename_to_a_sibling_name_is_refused(author, tree, instructor):
    a, b, _c, _d = tree
    category_create(actor=instructor, name="Khác", parent=a)
    response = author.post(url("bank_category_rename", b.pk), {"name": "Khác"})
    assert response.status_code == 200 and "already a category with this name" in page(response)
    assert fresh(b).name == "B" and not audits("question_category.rename", b).exists()


# --- Move --------------------------------------------------------------------------------------------------------


def test_move_takes_the_subtree_and_its_questions(author, tree, instructor):
    a, b, c, d = tree
    form = author.get(url("bank_category_move", b.pk))
    choices = re.findall(r'<option value="(\d*)"', page(form))
    # Only places outside B's own subtree are offered.
    assert str(d.pk) in choices and str(a.pk) in choices and str(b.pk) not in choices and str(c.pk) not in choices
    response = author.post(url("bank_category_move", b.pk), {"parent": d.pk})
    assert response.status_code == 302
    assert fresh(b).parent_id == d.pk and fresh(c).parent_id == b.pk
    assert_consistent(d)
    assert fresh(c).depth == 2 and fresh(c).path.startswith(fresh(d).path)
    assert [q.name for q in question_list(actor=instructor, category=fresh(d), include_subcategories=True)] \
        == ["Câu trong C"]
    assert not question_list(actor=instructor, category=fresh(a), include_subcategories=True).exists()
    entry = audits("question_category.move", b).get()
    assert entry.changes["parent"] == [a.pk, d.pk]
    # The tree page shows B under D now.
    home = page(author.get(url("bank_home")))
    assert home.index(f'data-category="{d.pk}"') < home.index(f'data-category="{b.pk}"')


def test_move_to_the_top(author, tree):
    _a, b, c, _d = tree
    response = author.post(url("bank_category_move", b.pk), {"parent": ""})
    assert response.status_code == 302
    assert fresh(b).parent is None and fresh(b).depth == 0 and fresh(c).depth == 1
    assert_consistent(b)


def test_move_into_its_own_subtree_is_refused(author, tree, instructor):
    a, b, c, _d = tree
    for target in (b, c):
        response = author.post(url("bank_category_move", b.pk), {"parent": target.pk})
        assert response.status_code == 200 and "Select a valid choice" in page(response)
    with translation.override("en"), pytest.raises(
            ValidationError, match="cannot be moved into itself or one of its sub-categories"):
        bank.category_move(actor=instructor, category=fresh(a), new_parent=fresh(c))
    with translation.override("en"), pytest.raises(ValidationError, match="cannot be moved into itself"):
        bank.category_move(actor=instructor, category=fresh(a), new_parent=fresh(a))
    assert fresh(b).parent_id == a.pk and fresh(a).parent is None
    assert_consistent(a)
    assert not AuditEntry.objects.filter(action="question_category.move").exists()


def test_move_next_to_a_category_with_the_same_name_is_refused(author, tree, instructor):
    a, b, _c, d = tree
    category_create(actor=instructor, name="B", parent=d)
    response = author.post(url("bank_category_move", b.pk), {"parent": d.pk})
    assert response.status_code == 200 and "already a category with this name" in page(response)
    assert fresh(b).parent_id == a.pk


def test_move_into_another_authors_private_category_is_refused(author, tree, instructor, other_instructor):
    _a, b, _c, _d = tree
    private = category_create(actor=other_instructor, name="Riêng", sharing=Sharing.PRIVATE)
    response = author.post(url("bank_category_move", b.pk), {"parent": private.pk})
    assert response.status_code == 200 and "Select a valid choice" in page(response)
    with pytest.raises(PermissionDenied):
        bank.category_move(actor=instructor, category=b, new_parent=private)
    assert fresh(b).parent_id == tree[0].pk


def test_nothing_moves_into_another_authors_shared_category(author, tree, instructor, other_instructor):
    """Its owner may edit everything in it, so moving there would hand the questions over."""
    a, b, c, _d = tree
    shared = category_create(actor=other_instructor, name="Chung của người khác", sharing=Sharing.PROVINCE)
    assert author.get(url("bank_category", shared.pk)).status_code == 200  # visible …
    response = author.post(url("bank_category_move", b.pk), {"parent": shared.pk})
    assert response.status_code == 200 and "Select a valid choice" in page(response)  # … but not a target
    with pytest.raises(PermissionDenied):
        bank.category_move(actor=instructor, category=b, new_parent=shared)
    with pytest.raises(PermissionDenied):
        bank.category_delete(actor=instructor, category=c, move_to=shared)
    assert fresh(b).parent_id == a.pk and Category.objects.filter(pk=c.pk).exists()


# --- Delete ------------------------------------------------------------------------------------------------------


def test_delete_an_empty_category(author, tree, instructor):
    _a, _b, _c, d = tree
    confirm = author.get(url("bank_category_delete", d.pk))
    assert confirm.status_code == 200 and "is empty" in page(confirm)
    assert Category.objects.filter(pk=d.pk).exists()  # GET changes nothing
    response = author.post(url("bank_category_delete", d.pk))
    assert response.status_code == 302 and response["Location"] == url("bank_home")
    assert not Category.objects.filter(pk=d.pk).exists()
    entry = AuditEntry.objects.get(action="question_category.delete")
    assert entry.object_id == str(d.pk) and entry.actor == instructor and entry.changes["name"] == ["D", None]


def test_deleting_a_non_empty_category_without_a_target_is_refused(author, tree):
    _a, b, c, _d = tree
    confirm = author.get(url("bank_category_delete", b.pk))
    assert 'data-questions="0" data-children="1"' in page(confirm)
    response = author.post(url("bank_category_delete", b.pk), {"move_to": ""})
    assert response.status_code == 200 and "The category is not empty (0 questions, 1 sub-categories)" in page(response)
    with translation.override("en"), pytest.raises(ValidationError, match="not empty"):
        bank.category_delete(actor=b.owner, category=c)
    assert Category.objects.filter(pk__in=[b.pk, c.pk]).count() == 2
    assert not AuditEntry.objects.filter(action="question_category.delete").exists()


def test_delete_moves_questions_and_sub_categories_first(author, tree, instructor):
    a, b, c, d = tree
    here = make_question(b, name="Câu trong B")
    old = make_question(b, name="Câu cũ")
    bank.question_archive(actor=instructor, question=old)
    response = author.post(url("bank_category_delete", b.pk), {"move_to": d.pk})
    assert response.status_code == 302 and response["Location"] == url("bank_category", a.pk)
    assert not Category.objects.filter(pk=b.pk).exists()
    assert set(Question.objects.filter(category=d).values_list("pk", flat=True)) == {here.pk, old.pk}
    assert fresh(c).parent_id == d.pk
    assert_consistent(d)
    assert Question.objects.get(name="Câu trong C").category_id == c.pk
    entry = AuditEntry.objects.get(action="question_category.delete", object_id=str(b.pk))
    assert entry.changes["moved_to"] == d.pk
    assert (entry.changes["moved_questions"], entry.changes["moved_categories"]) == (2, 1)


def test_delete_with_a_name_clash_in_the_target_changes_nothing(author, tree, instructor):
    _a, b, c, d = tree
    category_create(actor=instructor, name="C", parent=d)
    make_question(b, name="Câu trong B")
    response = author.post(url("bank_category_delete", b.pk), {"move_to": d.pk})
    assert response.status_code == 200 and "already has sub-categories named: C" in page(response)
    assert fresh(c).parent_id == b.pk and Question.objects.get(name="Câu trong B").category_id == b.pk


def test_delete_into_its_own_sub_category_is_refused(author, tree, instructor):
    a, b, c, _d = tree
    response = author.post(url("bank_category_delete", a.pk), {"move_to": c.pk})
    assert response.status_code == 200 and "Select a valid choice" in page(response)
    with translation.override("en"), pytest.raises(ValidationError, match="cannot be moved into itself"):
        bank.category_delete(actor=instructor, category=a, move_to=c)
    assert Category.objects.filter(pk=a.pk).exists() and fresh(b).parent_id == a.pk


def test_a_category_a_quiz_draws_from_cannot_be_deleted(author, tree):
    _a, _b, _c, d = tree
    make_quiz(random_from=d, random_count=1)
    confirm = author.get(url("bank_category_delete", d.pk))
    assert 'data-blocked="slots"' in page(confirm)
    response = author.post(url("bank_category_delete", d.pk))
    assert response.status_code == 200 and 'data-blocked="slots"' in page(response)
    with translation.override("en"), pytest.raises(
            ValidationError, match="1 quiz slots draw questions from this category"):
        bank.category_delete(actor=d.owner, category=d)
    assert Category.objects.filter(pk=d.pk).exists()
    assert not AuditEntry.objects.filter(action="question_category.delete").exists()


def test_delete_needs_the_csrf_token(instructor, tree):
    d = tree[3]
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    assert client.post(url("bank_category_delete", d.pk)).status_code == 403
    assert Category.objects.filter(pk=d.pk).exists()
    form = page(client.get(url("bank_category_delete", d.pk)))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert client.post(url("bank_category_delete", d.pk), {"csrfmiddlewaretoken": token}).status_code == 302
    assert not Category.objects.filter(pk=d.pk).exists()


# --- Who may ----------------------------------------------------------------------------------------------------


def manage_addresses(category: Category) -> list[str]:
    return [url(name, category.pk) for name in
            ("bank_category_rename", "bank_category_move", "bank_category_delete")]


def test_learners_cannot_manage_categories(client, learner_user, tree):
    client.force_login(learner_user)
    for address in manage_addresses(tree[1]):
        assert client.get(address).status_code == 403
        assert client.post(address, {"name": "X", "parent": "", "move_to": ""}).status_code == 403
    assert fresh(tree[1]).name == "B" and Category.objects.count() == 4


def test_another_instructor_cannot_manage_a_shared_category(client, other_instructor, tree):
    a, b, _c, d = tree
    client.force_login(other_instructor)
    assert client.get(url("bank_category", b.pk)).status_code == 200  # shared: they see it …
    assert f'data-manage="{b.pk}"' not in page(client.get(url("bank_category", b.pk)))
    for address in manage_addresses(b):  # … but may not change it
        assert client.get(address).status_code == 403
    assert client.post(url("bank_category_rename", b.pk), {"name": "X"}).status_code == 403
    assert client.post(url("bank_category_move", b.pk), {"parent": d.pk}).status_code == 403
    assert client.post(url("bank_category_delete", b.pk), {"move_to": d.pk}).status_code == 403
    assert (fresh(b).name, fresh(b).parent_id) == ("B", a.pk)
    assert not AuditEntry.objects.filter(action__startswith="question_category.").exclude(
        action="question_category.create").exists()


def test_another_authors_private_category_is_404(author, other_instructor):
    private = category_create(actor=other_instructor, name="Riêng", sharing=Sharing.PRIVATE)
    for address in manage_addresses(private):
        assert author.get(address).status_code == 404


def test_the_owner_sees_the_buttons_and_an_admin_manages_any_category(client, author, tree, province_admin):
    b = tree[1]
    assert f'data-manage="{b.pk}"' in page(author.get(url("bank_category", b.pk)))
    client.force_login(province_admin)
    response = client.post(url("bank_category_rename", b.pk), {"name": "Đổi bởi quản trị"})
    assert response.status_code == 302 and fresh(b).name == "Đổi bởi quản trị"
    assert audits("question_category.rename", b).get().actor == province_admin
    system_made = make_category("Của hệ thống")  # no owner: only administrators manage it
    assert client.post(url("bank_category_delete", system_made.pk)).status_code == 302
    assert author.get(url("bank_category_delete", tree[3].pk)).status_code == 200


# --- Who owns what the command imports ----------------------------------------------------------------------------


def test_command_without_owner_gives_the_questions_to_the_target_categorys_owner(author, instructor):
    mine = category_create(actor=instructor, name="Của giảng viên")
    out = io.StringIO()
    call_command("import_questions", str(DATA / "gift_sample.gift"), "--category", "Của giảng viên/Nhập",
                 stdout=out)
    imported = Question.objects.all()
    assert imported.count() == 8 and set(imported.values_list("owner", flat=True)) == {instructor.pk}
    created = Category.objects.filter(path__startswith=mine.path).exclude(pk=mine.pk)
    assert created.count() == 4 and set(created.values_list("owner", flat=True)) == {instructor.pk}
    assert "no owner" not in out.getvalue()
    question = imported.first()
    assert author.get(url("bank_question_edit", question.pk)).status_code == 200
    assert AuditEntry.objects.get(action="question.import").actor_label == "import_questions"


def test_command_without_any_owner_leaves_questions_to_administrators(client, author, province_admin):
    out = io.StringIO()
    call_command("import_questions", str(DATA / "gift_sample.gift"), "--category", "Chung", stdout=out)
    question = Question.objects.first()
    assert question.owner is None and question.category.owner is None
    assert question.category.sharing == Sharing.PROVINCE
    assert "8 questions have no owner: only province administrators can edit them" in out.getvalue()
    assert author.get(url("bank_question", question.pk)).status_code == 200  # shared with every author
    assert author.get(url("bank_question_edit", question.pk)).status_code == 403
    client.force_login(province_admin)
    assert client.get(url("bank_question_edit", question.pk)).status_code == 200


def test_command_with_owner_gives_everything_to_that_author(author, instructor, other_instructor):
    category_create(actor=other_instructor, name="Của người khác")
    call_command("import_questions", str(DATA / "gift_sample.gift"), "--category", "Của người khác/Nhập",
                 "--owner", instructor.username, stdout=io.StringIO())
    assert set(Question.objects.values_list("owner", flat=True)) == {instructor.pk}
    assert Category.objects.get(name="Nhập").owner == instructor
    assert author.get(url("bank_question_edit", Question.objects.first().pk)).status_code == 200


def test_rename_keeps_siblings_in_alphabetical_order(author, instructor):
    top = category_create(actor=instructor, name="Gốc")
    first = category_create(actor=instructor, name="An toàn", parent=top)
    category_create(actor=instructor, name="Dịch vụ", parent=top)
    assert author.post(url("bank_category_rename", first.pk), {"name": "Ứng dụng"}).status_code == 302
    home = page(author.get(url("bank_home")))
    order = re.findall(r'data-category="\d+"[^>]*>\s*<a [^>]*>([^<]+)</a>', home)
    assert order == ["Gốc", "Dịch vụ", "Ứng dụng"]
