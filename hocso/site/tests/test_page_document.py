"""page.html (the page written by hocso.site.frame.document) gives the bytes base.html gives for the same
content: the exam-day pages that use it must not drift from every other page's frame."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.db import SessionStore
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe

# base.html with every block the pages fill: what the quiz page's template was.
AS_BASE = (
    '{% extends "base.html" %}'
    "{% block title %}{{ page_title }}{% endblock %}"
    "{% block head %}{{ page_head }}{% endblock %}"
    "{% block breadcrumbs %}{{ page_breadcrumbs }}{% endblock %}"
    "{% block content %}{{ first }}{% csrf_token %}{{ second }}{% endblock %}"
)
# The exam page's: no site menu, no breadcrumbs.
AS_BASE_NO_MENU = (
    '{% extends "base.html" %}'
    "{% block title %}{{ page_title }}{% endblock %}"
    "{% block nav_menu %}{% endblock %}"
    "{% block head %}{{ page_head }}{% endblock %}"
    "{% block content %}{{ first }}{% endblock %}"
)
TOKEN = "T" * 64


def _request(user, *, notes=()):
    request = RequestFactory().get("/kiem-tra/7/?a=<b>")
    request.user = user
    request.session = SessionStore()
    request._messages = CookieStorage(request)
    for level, text in notes:
        messages.add_message(request, level, text)
    return request


def _both(template: str, request, context: dict) -> tuple[str, str]:
    as_base = engines["django"].from_string(template).render(context, request)
    as_page = get_template("page.html").render(context, request)
    return as_base, as_page


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("who", ["learner", "admin", "anonymous"])
def test_the_page_is_base_html_byte_for_byte(who, language, learner_user, province_admin):
    from django.contrib.auth.models import AnonymousUser

    user = {"learner": learner_user, "admin": province_admin, "anonymous": AnonymousUser()}[who]
    first = mark_safe('\n<h1>Đề &amp; bài</h1>\n<form method="post">')
    second = mark_safe("<button>Bắt đầu</button></form>\n")
    context = {
        "page_title": "Kiểm tra <quý> IV", "page_head": mark_safe('<link rel="stylesheet" href="/x.css">'),
        "page_breadcrumbs": mark_safe('<nav class="breadcrumbs">Đề</nav>'), "page_parts": [first, second],
        "first": first, "second": second, "csrf_token": TOKEN,
    }
    with translation.override(language):
        as_base, as_page = _both(AS_BASE, _request(user), context)
    assert as_page == as_base
    assert "Kiểm tra &lt;quý&gt; IV ·" in as_page  # the title escaped once
    assert as_page.count(f'name="csrfmiddlewaretoken" value="{TOKEN}"') == (3 if who != "anonymous" else 2)
    if who != "anonymous":
        assert '<ul class="menu">' in as_page


def test_messages_and_a_page_without_menu_are_base_html_too(learner_user):
    notes = [(messages.ERROR, "Bài <b>không</b> mở được."), (messages.INFO, mark_safe("Đã <em>lưu</em>."))]
    first = mark_safe('\n<div class="exam">…</div>\n')
    context = {"page_title": "Thi", "page_head": "", "page_parts": [first], "first": first, "page_menu": False,
               "csrf_token": TOKEN}
    as_base, as_page = _both(AS_BASE_NO_MENU, _request(learner_user, notes=notes), context)
    assert as_page == as_base
    assert '<ul class="menu">' not in as_page
    assert '<li class="message error">Bài &lt;b&gt;không&lt;/b&gt; mở được.</li>' in as_page
    assert "<li class=\"message info\">" in as_page
