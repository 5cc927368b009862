"""The home page: what each person has to do or to look at, by role (the panels are read in site.panels)."""

from __future__ import annotations

from html import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .learning_html import learning_panel_html
from .panels import FOLLOW_STATUSES, home_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Written by page.html. A learner's page (the greeting and the learning panel: nearly everyone, and the
    whole province at the opening of an exam) is built in Python; the panels of people with roles, or without a
    staff profile, come from the site/_home_panels.html template."""
    home = home_for(request.user)
    learning = home.panels.get("learning")
    learning_html = learning_panel_html(learning, home.learner) if learning is not None else ""
    content = f'\n<h1>{gettext("Hello, %(name)s") % {"name": escape(str(request.user))}}</h1>\n'
    if learning is not None and len(home.panels) == 1 and not home.assignments and not request.user.is_superuser:
        content += learning_html
    else:
        content += render_to_string("site/_home_panels.html", {
            "home": home, "panels": home.panels, "learner": home.learner, "follow_statuses": FOLLOW_STATUSES,
            "learning_html": learning_html,
        }, request)
    head = mark_safe(f'<link rel="stylesheet" href="{escape(static("site/home.css"))}">')
    return render(request, "page.html", {
        "page_title": gettext("Home"), "page_head": head, "page_parts": [mark_safe(content)],
    })
