"""Production error pages: Vietnamese with English beside it, in the site's look, with a way home (issue 11, item 8).

DEBUG is off in the test run, as in production. The 500 page renders with no request context, no context
processors and no database: the test of its template is run with the database closed to it.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import gettext
from django.views.defaults import server_error

HOME_LINK = '<a class="btn" href="/">'
STYLESHEET = 'href="/static/hocso/hocso.css"'


def assert_error_page(response, status: int, vietnamese: str, english: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert vietnamese in page and english in page, page
    assert HOME_LINK in page and "Về trang chủ" in page and STYLESHEET in page
    assert 'lang="vi"' in page and '<div lang="en"' in page
    return page


def test_404_page(client, settings):
    assert settings.DEBUG is False
    page = assert_error_page(client.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang", "Page not found")
    assert "Resolver404" not in page and "The requested resource" not in page


def test_404_for_an_object_the_user_may_not_see(client, focal_a, learner_in_b):
    client.force_login(focal_a)
    assert_error_page(client.get(f"/can-bo/{learner_in_b.pk}/"), 404, "Không tìm thấy trang", "Page not found")


def test_403_page_says_why(client, learner_user):
    client.force_login(learner_user)
    page = assert_error_page(client.get("/can-bo/nhap/"), 403, "Bạn không thể mở trang này",
                             "You cannot open this page")
    with translation.override("vi"):  # the reason the code gave, in the person's language
        reason = gettext("Only administrators and unit focal points can import staff lists.")
    assert f'<p class="muted error-detail">{reason}</p>' in page


@pytest.mark.urls("hocso.core.tests.error_urls")
def test_500_page(db):
    response = Client(raise_request_exception=False).get("/hong/")
    assert_error_page(response, 500, "Hệ thống đã gặp sự cố", "Something went wrong on our side")


def test_500_template_needs_no_database_nor_context():
    """No `db` fixture: any query here fails the test."""
    response = server_error(RequestFactory().get("/"))
    assert_error_page(response, 500, "Hệ thống đã gặp sự cố", "Something went wrong on our side")


def test_400_page(db):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="tan-cong.example")  # DisallowedHost
    assert_error_page(response, 400, "Không hiểu được yêu cầu", "The request could not be understood")


def test_csrf_failure_page(db, learner_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-nhap/", {"username": "hocvien", "password": "x"})
    page = assert_error_page(response, 403, "Không gửi được biểu mẫu", "The form could not be sent")
    assert "CSRF" not in page


def test_the_api_keeps_its_json_errors(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
