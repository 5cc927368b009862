"""Bad input is a 400 (or the API's 422 for a value out of range), never a 500 — on SQLite and on PostgreSQL.

PostgreSQL refuses a NUL character in text and integers beyond its column types; each case below was a 500 there.
The fix sits where input enters (hocso.core.middleware.BadInputMiddleware for the path, query parameters, form
fields, cookies and headers; hocso.core.input_guard for JSON bodies and the integer bounds), so these tests go through
the whole stack: the test client, the middleware, the views, the real database.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hocso.assessment.exam.services import attempt_start
from hocso.assessment.models import Answer, Attempt, AttemptState
from hocso.assessment.tests.exam_helpers import make_mixed_quiz
from hocso.core.actors import SYSTEM
from hocso.identity.services import api_key_issue
from hocso.identity.signin import GATE_CONSENT, GATES_KEY
from hocso.tests.factories import make_unit

pytestmark = pytest.mark.django_db

SAVE_PATH = "/kiem-tra/luu-cau-tra-loi/"


def assert_api_bad_request(response, where: str) -> None:
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert "NUL" in error["message"] and where in error["message"], error["message"]


def assert_page_bad_request(response) -> None:
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    # Both languages: the page is shown before anything knows who is asking.
    assert "Yêu cầu không hợp lệ" in text and "Bad request" in text
    assert "NUL" in text


@pytest.fixture
def api_key(db):
    _key, raw = api_key_issue(actor=SYSTEM, name="Cổng IOC", unit=None)
    return raw


@pytest.fixture
def keyed(api_key):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def admin_client(client, province_admin):
    client.force_login(province_admin)
    client.cookies["hocso_language"] = "en"
    return client


# --- NUL in the path or a query parameter ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/cong-khai/?q=a%00b", "/dao-tao/xac-minh/AB%00C/", "/cong-khai/?q=%00"])
def test_anonymous_pages_with_a_nul_answer_400(client, url):
    assert_page_bad_request(client.get(url))


def test_anonymous_certificate_check_with_a_nul_answers_400_json(client):
    response = client.get("/api/v1/training/certificates/AB%00C/verify", HTTP_ACCEPT_LANGUAGE="en")
    assert_api_bad_request(response, "address")


@pytest.mark.parametrize("path", [
    "/api/v1/units", "/api/v1/learners", "/api/v1/learners/export", "/api/v1/training/courses",
    "/api/v1/training/classes",
])
def test_api_query_with_a_nul_answers_400(keyed, path):
    response = keyed.get(path + "?q=%00")
    assert_api_bad_request(response, "“q”")
    assert response.json()["error"]["details"] == {"location": "query", "name": "q"}


def test_quiz_results_query_with_a_nul_answers_400(admin_client):
    response = admin_client.get("/api/v1/quizzes/1/results?q=%00")
    assert_api_bad_request(response, "“q”")


def test_api_message_is_vietnamese_by_default(keyed, api_key):
    response = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}").get("/api/v1/units?q=%00")
    assert response.status_code == 400
    assert "ký tự NUL" in response.json()["error"]["message"]


def test_staff_page_filters_with_a_nul_answer_400(admin_client, commune_a, commune_b):
    unit = make_unit("Phòng Văn hoá - Xã hội", commune_a)
    for url in [
        "/can-bo/?unit_q=%00", "/can-bo/don-vi/?unit_q=a%00", "/can-bo/vai-tro/?person=%00",
        "/can-bo/vai-tro/tim-nguoi/?person=%00", f"/don-vi/{unit.pk}/chuyen/?q=%00",
        f"/don-vi/{unit.pk}/sap-nhap/?q=%00",
    ]:
        assert_page_bad_request(admin_client.get(url))


def test_a_nul_in_a_form_field_answers_400(admin_client, commune_a):
    response = admin_client.post(f"/don-vi/{commune_a.pk}/sua/", {"name": "Xã\x00Đại Phúc"})
    assert_page_bad_request(response)


def test_a_nul_in_a_parameter_name_or_a_cookie_answers_400(client, learner_user):
    assert_page_bad_request(client.get("/cong-khai/?a%00b=1"))
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert_page_bad_request(client.get("/cong-khai/"))


def test_clean_input_still_passes(client, keyed):
    assert client.get("/cong-khai/?q=Đại%20Phúc").status_code == 200
    assert keyed.get("/api/v1/units?q=dai%20phuc").status_code == 200


# --- the exam: out-of-range integers and NUL inside the JSON --------------------------------------------------


@pytest.fixture
def attempt(learner_in_a, learner_user):
    quiz, _questions = make_mixed_quiz()
    return attempt_start(learner=learner_in_a, quiz=quiz)


@pytest.fixture
def learner_api(learner_user):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(learner_user)
    client.cookies["hocso_language"] = "en"
    client.get("/kiem-tra/")  # sets the CSRF cookie
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return client


def put_answer(client, attempt, slot, body) -> object:
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.put(f"/api/v1/me/attempts/{attempt.pk}/answers/{slot}", raw, content_type="application/json")


def test_api_save_refuses_a_slot_beyond_smallint(learner_api, attempt):
    response = put_answer(learner_api, attempt, 40000, {"seq": 1, "response": {"choice": "a"}})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["loc"] == ["path", "slot"]


def test_api_save_refuses_a_seq_beyond_integer(learner_api, attempt):
    response = put_answer(learner_api, attempt, 1, {"seq": 3_000_000_000, "response": {"choice": "a"}})
    assert response.status_code == 422, response.content
    assert response.json()["error"]["details"][0]["loc"] == ["body", "payload", "seq"]
    assert not Answer.objects.filter(attempt=attempt).exists()


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_api_save_refuses_text_the_database_cannot_store(learner_api, attempt, text):
    response = put_answer(learner_api, attempt, 6, {"seq": 1, "response": {"text": text}})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "bad_request" and "JSON" in error["message"]
    assert not Answer.objects.filter(attempt=attempt).exists()


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"null", b"42", b"{", b'{"seq": NaN}', b"[" * 100_000])
def test_api_bodies_that_are_not_json_objects_are_400(learner_api, attempt, body):
    response = put_answer(learner_api, attempt, 1, body)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"null", b"[{\"slot\": 1, \"seq\": 1, \"response\": {}}]"])
def test_api_submit_refuses_a_body_that_is_not_an_object(learner_api, attempt, body):
    response = learner_api.post(f"/api/v1/me/attempts/{attempt.pk}/submit", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "bad_request"
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


def test_api_submit_refuses_a_pending_slot_beyond_smallint(learner_api, attempt):
    body = {"pending": [{"slot": 40000, "seq": 1, "response": {"choice": "a"}}]}
    response = learner_api.post(f"/api/v1/me/attempts/{attempt.pk}/submit", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["error"]["details"][0]["loc"][-1] == "slot"
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


def save(client, attempt, body) -> object:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(SAVE_PATH, raw, content_type="application/json", HTTP_X_ATTEMPT_TOKEN=attempt.token,
                       HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(("body", "code"), [
    ({"slot": 40000, "seq": 1, "response": {"choice": "a"}}, "invalid_slot"),
    ({"slot": -40000, "seq": 1, "response": {"choice": "a"}}, "invalid_slot"),
    ({"slot": 1, "seq": 3_000_000_000, "response": {"choice": "a"}}, "invalid_response"),
    ({"slot": 1, "seq": 1, "response": {"text": "a\x00b"}}, "invalid_response"),
    ({"slot": 1, "seq": 1, "response": {"te\x00xt": "ab"}}, "invalid_response"),
    ({"slot": 1, "seq": 1, "response": {"text": "\udfff"}}, "invalid_response"),
    ({"slot": 2 ** 70, "seq": 1, "response": {}}, "invalid_slot"),
    (b"[1, 2]", "invalid_response"),
])
def test_page_save_refuses_out_of_range_numbers_and_nul(client, attempt, body, code):
    # 422, as for any answer that can never be saved: the exam page then stops retrying it (exam.js).
    response = save(client, attempt, body)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == code
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_page_save_still_saves_a_clean_answer(client, attempt):
    response = save(client, attempt, {"slot": 1, "seq": 2_147_483_647, "response": {"choice": "a"}})
    assert response.status_code == 200, response.content
    assert Answer.objects.get(attempt=attempt, slot=1).seq == 2_147_483_647


def test_page_save_with_a_nul_in_the_token_is_not_found(client, attempt):
    response = client.post(SAVE_PATH, b'{"slot": 1, "seq": 1, "response": {}}', content_type="application/json",
                           HTTP_X_ATTEMPT_TOKEN="ab\x00cd")
    assert response.status_code in (400, 404)
    assert response.json()["error"]["code"] in ("bad_request", "not_found")


def test_page_submit_skips_a_pending_slot_beyond_smallint(client, learner_user, attempt):
    client.force_login(learner_user)
    pending = [{"slot": 40000, "seq": 1, "response": {"choice": "a"}},
               {"slot": 1, "seq": 3_000_000_000, "response": {"choice": "a"}},
               {"slot": 1, "seq": 1, "response": {"text": "\u0000"}},
               {"slot": 2, "seq": 1, "response": {"choices": ["x"]}}]
    response = client.post(f"/kiem-tra/bai-lam/{attempt.pk}/nop-bai/", {"pending": json.dumps(pending)})
    assert response.status_code == 302, response.content[:300]
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.state != AttemptState.IN_PROGRESS
    # The one good pending answer was saved; the others were skipped, not a 500.
    assert list(Answer.objects.filter(attempt=attempt).values_list("slot", flat=True)) == [2]


# --- a "digit" int() does not take --------------------------------------------------------------------------------


def test_a_superscript_digit_in_an_id_parameter_is_not_a_500(client, admin_client):
    # "²".isdigit() is True but int("²") raises: the views now test isdecimal(), exactly what int() accepts.
    assert client.get("/cong-khai/999/?unit=%C2%B2").status_code == 404
    assert admin_client.get("/can-bo/?unit=%C2%B2").status_code == 404


# --- what Schemathesis found besides ------------------------------------------------------------------------------


def test_a_blank_api_key_header_is_refused_even_with_a_session(client, learner_user):
    client.force_login(learner_user)
    for value in ("", "   "):
        response = client.get("/api/v1/target-groups", HTTP_X_API_KEY=value)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_api_key"


def test_the_sign_in_gate_answers_the_api_in_the_error_shape(client, learner_user):
    client.force_login(learner_user)
    session = client.session
    session[GATES_KEY] = [GATE_CONSENT]
    session.save()
    response = client.get("/api/v1/me/quizzes", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "sign_in_incomplete"
    assert "Finish signing in" in response.json()["error"]["message"]


@pytest.mark.parametrize("value", [True, "1", 1.5])
def test_integers_in_json_bodies_are_numbers(learner_api, attempt, value):
    # pydantic alone would take true as 1 and "1" as 1; JSON Schema's integer (what the API documents) does not.
    response = put_answer(learner_api, attempt, 1, {"seq": value, "response": {"choice": "a"}})
    assert response.status_code == 422, response.content
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_an_integral_number_is_an_integer(learner_api, attempt):
    response = put_answer(learner_api, attempt, 1, {"seq": 7.0, "response": {"choice": "a"}})
    assert response.status_code == 200, response.content
    assert Answer.objects.get(attempt=attempt, slot=1).seq == 7
