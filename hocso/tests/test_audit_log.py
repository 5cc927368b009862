"""The audit log in plain words: every action the code writes has a sentence in both languages and reads without
code on the page; the filters, the unit filter, who may read it, the export, and the page on a phone and a desktop."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from hocso.core import audit_actions
from hocso.core.audit import audit
from hocso.core.models import AuditEntry
from hocso.org.services import unit_move
from hocso.people.models import LearnerStatus
from hocso.people.services import learner_update
from hocso.tests.browser import sign_in
from hocso.tests.factories import make_learner

SOURCE = Path(__file__).resolve().parents[1]
# What code-like text looks like: "(identity.user #6)", "[None, 156]", "privacy.consent", "None".
CODE_LIKE = re.compile(r"\b[a-z_]+\.[a-z_]+ #|\[None,|\bNone\b|\[\d+, \d+\]|\{'|\['")


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def written_actions() -> dict[str, str]:
    """Every action string the code passes to the audit writer (`audit(actor, "x.y", …)`, the staff import's
    `audits.add("x.y", …)`, and an `action` parameter's default or keyword where the code passes it on), with the
    file that writes it."""
    found: dict[str, str] = {}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "conftest.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        passes_action_on = False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            argument = None
            if isinstance(func, ast.Name) and func.id == "audit" and len(node.args) >= 2:
                argument = node.args[1]
            elif isinstance(func, ast.Attribute) and func.attr == "add" and isinstance(func.value, ast.Name) \
                    and func.value.id == "audits" and node.args:
                argument = node.args[0]
            if argument is None:
                continue
            if isinstance(argument, ast.Name):
                passes_action_on = True
                continue
            for value in _strings(argument):
                found[value] = str(path.relative_to(SOURCE))
        if passes_action_on:  # `audit(actor, action, …)`: the values given to `action`
            for node in ast.walk(tree):
                if isinstance(node, ast.keyword) and node.arg == "action":
                    for value in _strings(node.value):
                        found[value] = str(path.relative_to(SOURCE))
                if isinstance(node, ast.FunctionDef):
                    arguments = node.args.args + node.args.kwonlyargs
                    defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults + \
                        node.args.kw_defaults
                    for argument_node, default in zip(arguments, defaults, strict=True):
                        if argument_node.arg == "action" and default is not None:
                            found.update({value: str(path.relative_to(SOURCE)) for value in _strings(default)})
    return found


ACTIONS = written_actions()


def test_the_scan_finds_the_actions_the_code_writes():
    # A scan that found nothing would let every test below pass: these are written in four different ways.
    assert len(ACTIONS) >= 85
    for action in ("privacy.consent", "certificate.issue", "enrolment.bulk", "enrolment.create", "learner.leave",
                   "question.restore", "demo.reset"):
        assert action in ACTIONS
    assert all(re.fullmatch(r"[a-z_]+\.[a-z_]+", action) for action in ACTIONS), ACTIONS


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_written_action_has_a_sentence_in_both_languages(action):
    described = audit_actions.actions().get(action)
    assert described is not None, f"{action} (written in {ACTIONS[action]}) has no sentence: register it"
    for language in ("en", "vi"):
        with translation.override(language):
            sentence, label, group = str(described.sentence), str(described.label), str(described.group)
            assert "{actor}" in sentence and group
            assert sentence.format(actor="A", object="B")  # no other placeholder
            assert action not in sentence and action not in label
    with translation.override("vi"):
        vietnamese = (str(described.sentence), str(described.label), str(described.group))
    with translation.override("en"):
        english = (str(described.sentence), str(described.label), str(described.group))
    assert vietnamese[0] != english[0] and vietnamese[1] != english[1], f"{action} is not translated"


# An object of the type each action writes about, made from the small province.
def _objects(province_admin, learner_in_a, commune_a):
    return {
        "unit": commune_a, "target_group": None, "role": province_admin, "learner": learner_in_a,
        "privacy": learner_in_a, "account": province_admin, "sso": province_admin, "api_key": None,
    }


def test_every_written_action_reads_without_code_on_the_page(client, province_admin, learner_in_a, commune_a):
    objects = _objects(province_admin, learner_in_a, commune_a)
    for action in ACTIONS:
        obj = objects.get(action.split(".")[0], commune_a)
        audit(province_admin, action, obj, before={"status": None, "unit": None},
              after={"status": LearnerStatus.ACTIVE, "unit": commune_a.pk})
    client.force_login(province_admin)
    response = client.get(reverse("core:audit"), {"page": 1})
    pages = response.context["page"].paginator.num_pages
    seen = readable = 0
    for number in range(1, pages + 1):
        html = client.get(reverse("core:audit"), {"page": number}).content.decode()
        table = html[html.index('<table class="audit-log"'):html.index("</table>")]
        text = re.sub(r"<[^>]+>", " ", table)
        assert not CODE_LIKE.search(text), CODE_LIKE.search(text).group(0)
        for action in ACTIONS:
            assert action not in text
        assert commune_a.name in text
        readable += "Trạng thái" in text and "Đang công tác" in text  # a learner's status, named and translated
        seen += text.count("Lê") + text.count(str(province_admin))
    assert seen and readable


def test_a_change_names_fields_choices_and_related_objects(client, province_admin, learner_in_a, commune_a,
                                                           commune_b, school_a):
    learner_update(actor=province_admin, learner=learner_in_a, status=LearnerStatus.ON_LEAVE)
    unit_move(actor=province_admin, unit=school_a, new_parent=commune_b)
    client.force_login(province_admin)
    html = client.get(reverse("core:audit")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    with translation.override("vi"):
        active, on_leave = str(LearnerStatus.ACTIVE.label), str(LearnerStatus.ON_LEAVE.label)
    assert f"Tình trạng công tác: {active} → {on_leave}" in text or f"Trạng thái: {active} → {on_leave}" in text
    assert f"{commune_a.name} → {commune_b.name}" in text  # the parent unit by its name, not "[12, 13]"
    assert f"đã sửa hồ sơ của {learner_in_a.full_name}" in text
    assert f'href="{reverse("people:detail", args=[learner_in_a.pk])}"' in html  # the object links to its page
    assert f'href="{reverse("org:detail", args=[school_a.pk])}"' in html
    assert "Địa chỉ IP" in html


def test_the_page_reads_english_too(client, english, province_admin, commune_a):
    audit(province_admin, "unit.update", commune_a, before={"short_name": ""}, after={"short_name": "ĐP"})
    client.force_login(province_admin)
    text = re.sub(r"<[^>]+>", " ", client.get(reverse("core:audit")).content.decode())
    assert f"edited the unit  {commune_a.name}" in text or f"edited the unit {commune_a.name}" in text
    assert "IP address" in text


def test_filters_by_action_actor_unit_and_dates(client, province_admin, focal_a, learner_in_a, learner_in_b,
                                                commune_a, commune_b):
    audit(province_admin, "learner.update", learner_in_a, after={"position": "Kế toán"})
    audit(province_admin, "learner.update", learner_in_b, after={"position": "Văn thư"})
    audit(focal_a, "learner.view_cccd", learner_in_a)
    audit(province_admin, "unit.update", commune_b, after={"short_name": "YT"})
    old = audit(province_admin, "unit.update", commune_a, after={"short_name": "ĐP"})
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    client.force_login(province_admin)

    def shown(**query):
        response = client.get(reverse("core:audit"), query)
        assert response.status_code == 200
        return [row.entry.pk for row in response.context["rows"]], response

    everything, response = shown()
    assert len(everything) == 5
    assert '<optgroup label="Cán bộ">' in response.content.decode()  # the action select is grouped, in words
    assert len(shown(action="learner.update")[0]) == 2
    assert len(shown(actor=focal_a.username)[0]) == 1
    in_a, response = shown(unit=commune_a.code)
    assert len(in_a) == 3  # the commune itself and its person (twice), not commune B nor B's person
    assert "Xã Đại Phúc" in response.content.decode()
    assert len(shown(unit="Yên Trạch")[0]) == 2  # by part of the name
    today = timezone.localdate()
    assert len(shown(date_from=(today - dt.timedelta(days=1)).isoformat())[0]) == 4
    assert shown(date_to=(today - dt.timedelta(days=30)).isoformat())[0] == [old.pk]
    nothing, response = shown(unit="Không có đơn vị này")
    assert nothing == [] and "Không có đơn vị nào trong phạm vi của bạn" in response.content.decode()
    assert shown(action="no.such_action")[1].context["form"].errors  # an unknown action is refused, not ignored


def test_a_focal_point_reads_only_the_entries_about_their_subtree(client, province_admin, focal_a, learner_user,
                                                                  learner_in_a, learner_in_b, commune_a, commune_b,
                                                                  school_a):
    audit(province_admin, "learner.update", learner_in_a, after={"position": "Kế toán"})
    audit(province_admin, "learner.update", learner_in_b, after={"position": "Văn thư"})
    audit(province_admin, "unit.update", school_a, after={"short_name": "TH"})
    audit(province_admin, "unit.update", commune_b, after={"short_name": "YT"})
    audit(learner_user, "privacy.consent", learner_user, extra={"version": "2026-01"})  # their person's account
    audit(province_admin, "api_key.issue", None, after={"name": "IOC"})  # about no unit: the province's only
    client.force_login(focal_a)
    response = client.get(reverse("core:audit"))
    assert response.status_code == 200
    about = {(row.entry.action, row.entry.object_id) for row in response.context["rows"]}
    assert about == {("learner.update", str(learner_in_a.pk)), ("unit.update", str(school_a.pk)),
                     ("privacy.consent", str(learner_user.pk))}
    html = response.content.decode()
    assert "Địa chỉ IP" not in html  # the addresses are the province administrators'
    assert f'href="{reverse("core:audit")}"' in html  # the menu leads them here
    # The unit filter cannot reach outside their subtree either.
    response = client.get(reverse("core:audit"), {"unit": commune_b.code})
    assert response.context["rows"] == [] and response.context["form"].errors
    lines = list(csv.reader(io.StringIO(client.get(reverse("core:audit_export_csv")).content.decode("utf-8-sig"))))
    assert len(lines) == 4 and len(lines[0]) == 6  # three entries, no address column
    client.force_login(province_admin)
    assert len(client.get(reverse("core:audit")).context["rows"]) == 6


def test_people_without_a_managing_role_cannot_read_the_log(client, learner_user, commune_a):
    audit(learner_user, "privacy.consent", learner_user)
    client.force_login(learner_user)
    assert f'href="{reverse("core:audit")}"' not in client.get("/").content.decode()
    for name in ("core:audit", "core:audit_export_xlsx", "core:audit_export_csv"):
        assert client.get(reverse(name)).status_code == 403
    client.logout()
    assert client.get(reverse("core:audit_export_csv")).status_code == 302


def test_export_is_the_filtered_log_in_words_and_never_a_formula(client, province_admin, school_a, commune_a):
    sly = make_learner(school_a, "=HYPERLINK(\"http://x\",\"Bấm\")")
    audit(province_admin, "learner.update", sly, before={"status": LearnerStatus.ACTIVE},
          after={"status": LearnerStatus.RETIRED})
    audit(province_admin, "unit.update", commune_a, after={"short_name": "ĐP"})
    client.force_login(province_admin)

    response = client.get(reverse("core:audit_export_xlsx"), {"action": "learner.update"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one filtered entry
    header, row = rows
    assert header[3] == "Sự việc"
    assert row[3].startswith(str(province_admin)) and "đã sửa hồ sơ của" in row[3]
    with translation.override("vi"):
        assert f"{LearnerStatus.ACTIVE.label} → {LearnerStatus.RETIRED.label}" in row[5]
    for cells in sheet.iter_rows():
        for cell in cells:
            assert cell.data_type != "f"  # the name is text, not a live formula
    assert any(cell.value == sly.full_name and cell.quotePrefix for cells in sheet.iter_rows() for cell in cells)

    response = client.get(reverse("core:audit_export_csv"), {"action": "learner.update"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 2
    assert lines[1][4] == "'" + sly.full_name  # guarded
    assert not any(field.startswith("=") for line in lines for field in line)


def test_a_page_of_entries_costs_the_same_few_queries_however_many_objects(client, province_admin, school_a):
    def queries_for(count: int) -> int:
        AuditEntry.objects.all().delete()
        for index in range(count):
            person = make_learner(school_a, f"Người Số {index}")
            audit(province_admin, "learner.move", person, before={"unit": school_a.pk}, after={"unit": None})
            audit(province_admin, "certificate.issue", person, after={"learner": person.pk})
        client.force_login(province_admin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("core:audit")).status_code == 200
        return len(captured.captured_queries)

    assert queries_for(20) == queries_for(3)


@pytest.mark.parametrize("width", [390, 1366])
def test_the_log_fits_a_phone_and_a_desktop(page, live_server, province_admin, learner_in_a, commune_a, width):
    for index in range(12):
        learner_update(actor=province_admin, learner=learner_in_a, position=f"Chuyên viên chính phụ trách "
                       f"chuyển đổi số và cải cách hành chính, lần {index}")
    audit(province_admin, "unit.update", commune_a, after={"short_name": "ĐP", "name": "Xã Đại Phúc " * 8})
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, province_admin.username)
    page.goto(f"{live_server.url}/nhat-ky/")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert page.locator("table.audit-log tbody tr", has_text="đã sửa đơn vị Xã Đại Phúc").count() == 1
    # On a phone each entry is a card: its time, sentence and changes stacked at the full width, not squeezed.
    cell = page.locator("table.audit-log tbody tr td.audit-sentence").first.bounding_box()
    if width == 390:
        assert cell["width"] > 300
        assert not page.locator("table.audit-log thead").is_visible() or \
            page.locator("table.audit-log thead").bounding_box()["height"] <= 1
    else:
        assert page.locator("table.audit-log thead").is_visible()
    page.select_option("select[name=action]", "learner.update")
    page.click("form.audit-filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("table.audit-log tbody tr").count() == 12


def test_the_system_and_the_operators_commands_are_named_in_words(client, province_admin, commune_a):
    from hocso.core.actors import SYSTEM, SystemActor

    audit(SYSTEM, "unit.update", commune_a, after={"short_name": "A"})
    audit(SystemActor("import_staff (command line)"), "learner.import", None, extra={"rows": 2500})
    audit(None, "demo.reset", None, extra={"learners": 2500})
    client.force_login(province_admin)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(reverse("core:audit")).content.decode()))
    assert f"Hệ thống đã sửa đơn vị {commune_a.name}" in text
    assert "Hệ thống (lệnh import_staff) đã nhập danh sách cán bộ" in text
    assert "Hệ thống đã xoá dữ liệu tỉnh mẫu" in text and "Số dòng: 2.500" in text and "2.500 người" in text
