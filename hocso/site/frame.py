"""The frame every page shares (base.html): head links, header, menu, account menu, language form and footer,
built in Python.

Rendering these through the template engine ({% static %}, {% url %}, {% translate %}, the menu's loops) was about
half the cost of a learner's quiz page, the exam-day rush's most frequent page. What is the same for everyone who
sees a page in one language (links, labels, the language list, a learner's menu) is built once per worker,
language and script prefix; only the per-request parts are added per page: the CSRF token, the person's name, the
current address (the language form's `next`, the menu's aria-current). Every value not built here is escaped.
The markup is the one base.html had; tests in hocso/tests/test_layout.py and the browser tests check it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .context_processors import MenuEntry, menu_entries


def _e(value) -> str:
    return escape(str(value))


@dataclass(frozen=True)
class _Fixed:
    """The frame's parts that depend only on the language, the script prefix and the settings."""

    name: SafeString
    description: SafeString
    head: SafeString
    top: str  # after the body tag, up to the menu's place for a signed-in person
    nav_open: str
    account_open: str
    account_close_before_token: str
    account_close_after_token: str
    lang_open: str
    lang_close: str
    footer: SafeString


_FIXED: dict[tuple[str, str], _Fixed] = {}
_MENU_HTML: dict[tuple[str, str], tuple[list[tuple[str, str]], str]] = {}


def _clear(**_kwargs) -> None:
    # Tests that change settings (static files, the province's name, languages) get a fresh frame.
    _FIXED.clear()
    _MENU_HTML.clear()


setting_changed.connect(_clear, dispatch_uid="hocso.site.frame.clear")


def fixed() -> _Fixed:
    """The frame's fixed parts for the current language and script prefix."""
    language = get_language() or settings.LANGUAGE_CODE
    key = (language, get_script_prefix())
    fixed = _FIXED.get(key)
    if fixed is None:
        fixed = _FIXED[key] = _build_fixed(language)
    return fixed


def _build_fixed(language: str) -> _Fixed:
    name = _e(_("Học Số"))
    head = (
        f'<link rel="icon" href="{_e(static("hocso/favicon.svg"))}" type="image/svg+xml">\n'
        f'  <link rel="stylesheet" href="{_e(static("hocso/hocso.css"))}">\n'
        """  <meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>\n"""
        f'  <script src="{_e(static("hocso/htmx.min.js"))}" defer></script>\n'
        f'  <script src="{_e(static("hocso/hocso.js"))}" defer></script>'
    )
    top = (
        f'\n  <a class="skip-link" href="#main">{_e(_("Skip to content"))}</a>\n'
        '  <header class="site-header">\n'
        '    <div class="brand">\n'
        f'      <a href="{_e(reverse("core:home"))}"><strong>{name}</strong></a>\n'
        f'      <span class="province">{_e(settings.HOCSO_PROVINCE_NAME)}</span>\n'
        "    </div>\n"
    )
    nav_open = (
        '    <input type="checkbox" id="nav-toggle" class="nav-toggle visually-hidden">\n'
        f'    <label for="nav-toggle" class="nav-toggle-label">{_e(_("Menu"))}</label>\n'
        f'    <nav class="site-nav" aria-label="{_e(_("Main menu"))}">\n      '
    )
    account = _e(_("Your account"))
    account_open = (
        '\n      <details class="account" data-menu>\n'
        f'        <summary><span class="visually-hidden">{account}: </span>'
    )
    account_close_before_token = (
        "</summary>\n"
        "        <ul>\n"
        f'          <li><a href="{_e(reverse("identity:account"))}">{account}</a></li>\n'
        f'          <li><form method="post" action="{_e(reverse("identity:logout"))}">'
    )
    account_close_after_token = (
        f'\n            <button type="submit" class="link">{_e(_("Sign out"))}</button>\n'
        "          </form></li>\n"
        "        </ul>\n"
        "      </details>\n"
        "    </nav>\n"
    )
    lang_open = f'    <form class="lang" method="post" action="{_e(reverse("set_language"))}">'
    options = "".join(
        f'\n          <option value="{_e(code)}"{" selected" if code == language else ""}>'
        f'{"Tiếng Việt" if code == "vi" else "English"}</option>'
        for code, _name in settings.LANGUAGES
    )
    lang_close = (
        "\n"
        f'      <label class="visually-hidden" for="lang-select">{_e(_("Language"))}</label>\n'
        f'      <select id="lang-select" name="language" data-autosubmit>{options}\n      </select>\n'
        f'      <noscript><button type="submit">{_e(_("Change"))}</button></noscript>\n'
        "    </form>\n"
        "  </header>"
    )
    description = _e(_("Học Số — digital transformation training for cadres, civil servants and public employees."))
    footer = (
        '<footer class="site-footer">\n'
        f"    <p>{description}\n"
        f'      <a href="{_e(reverse("public_index"))}">{_e(_("Published test results"))}</a></p>\n'
        "  </footer>"
    )
    return _Fixed(
        name=mark_safe(name), description=mark_safe(description), head=mark_safe(head), top=top,
        nav_open=nav_open, account_open=account_open, account_close_before_token=account_close_before_token,
        account_close_after_token=account_close_after_token, lang_open=lang_open, lang_close=lang_close,
        footer=mark_safe(footer),
    )


def text(fixed: _Fixed, which: str) -> SafeString:
    """The site's name or its description, translated (base.html's default title and description)."""
    return fixed.name if which == "name" else fixed.description


def _csrf_input(token) -> str:
    # As Django's {% csrf_token %}: nothing without a token (a page rendered outside a request).
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(token)}">'


def _is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def top(fixed: _Fixed, *, user, csrf_token) -> SafeString:
    """The body tag (its htmx headers carry the CSRF token) and the header up to the menu."""
    token = _e(csrf_token) if csrf_token else ""
    body = f"""<body hx-headers='{{"X-CSRFToken": "{token}"}}'>"""
    return mark_safe(body + fixed.top + (fixed.nav_open if _is_signed_in(user) else ""))


def rest(fixed: _Fixed, *, user, csrf_token, request) -> SafeString:
    """After the menu: the account menu (a signed-in person), the language form and the header's end."""
    csrf = _csrf_input(csrf_token)
    parts = []
    if _is_signed_in(user):
        parts += [fixed.account_open, _e(user), fixed.account_close_before_token, csrf, fixed.account_close_after_token]
    else:
        parts.append("\n")
    full_path = _e(request.get_full_path()) if request is not None else ""
    parts += [fixed.lang_open, csrf, f'\n      <input type="hidden" name="next" value="{full_path}">', fixed.lang_close]
    return mark_safe("".join(parts))


def menu(*, user, request) -> SafeString:
    """The menu for the person's roles (`<ul class="menu">`), the current page marked; nothing when signed out."""
    if not _is_signed_in(user) or request is None:
        return mark_safe("")
    entries, shared = menu_entries(request)
    path = request.path
    if shared:  # a person without roles: the same links for everyone, written once per language
        key = (get_language() or settings.LANGUAGE_CODE, get_script_prefix())
        cached = _MENU_HTML.get(key)
        if cached is None:
            cached = _MENU_HTML[key] = _plain_menu(entries)
        links, html = cached
        for url, link in links:
            if url == path:  # rare on the learner's pages: mark the current one
                return mark_safe(html.replace(link, link.replace('">', '" aria-current="page">', 1), 1))
        return mark_safe(html)
    return mark_safe(_menu_html(entries, path))


def _link(url: str, label, path: str | None) -> str:
    current = ' aria-current="page"' if url == path else ""
    return f'<a href="{_e(url)}"{current}>{_e(label)}</a>'


def _plain_menu(entries: list[MenuEntry]) -> tuple[list[tuple[str, str]], str]:
    """A menu of plain links (no groups), with each link's markup to find it when it is the current page."""
    links = [(entry.url, _link(entry.url, entry.label, None)) for entry in entries if not entry.items]
    if len(links) != len(entries):  # groups: not a shared menu's shape; build it per request
        return [], _menu_html(entries, None)
    items = "".join(f"\n          <li>{link}</li>" for _url, link in links)
    return links, f'<ul class="menu">{items}\n      </ul>'



def _menu_html(entries: list[MenuEntry], path: str | None) -> str:
    out = ['<ul class="menu">']
    for entry in entries:
        if entry.items:
            current = ' class="current"' if any(url == path for url, _label in entry.items) else ""
            items = "".join(f"\n              <li>{_link(url, label, path)}</li>" for url, label in entry.items)
            out.append(
                f"\n          <li class=\"group\"><details data-menu>\n"
                f"            <summary{current}>{_e(entry.label)}</summary>\n"
                f"            <ul>{items}\n            </ul>\n"
                "          </details></li>"
            )
        else:
            out.append(f"\n          <li>{_link(entry.url, entry.label, path)}</li>")
    out.append("\n      </ul>")
    return "".join(out)


# --- a whole page without the template engine -------------------------------------------------------------------
# base.html costs a page its extends, six blocks, the messages' loop and seven tags: about one /healthz request's
# CPU for each of the exam-day rush's pages (the home page, the quiz page, the exam page), whose content is already
# built in Python. page.html hands such content to `document`, which writes base.html's markup directly.
# hocso/site/tests/test_page_document.py renders both for the same context and asserts the same bytes.


def _messages_html(messages) -> str:
    # As base.html: nothing unless there is a message; reading them marks them shown.
    if not messages:
        return "\n    \n    "
    items = "".join(f'<li class="message {_e(m.tags)}">{conditional_escape(str(m))}</li>' for m in messages)
    return (
        '\n    \n      <div role="status"><ul class="messages">\n        '
        f"{items}\n      </ul></div>\n    \n    "
    )


def document(*, request: HttpRequest | None, user: object, csrf_token: object, messages: Iterable | None,
             title: object = None, head: str = "", breadcrumbs: str = "", parts: Sequence[str] = (),
             with_menu: bool = True) -> SafeString:
    """base.html's page around `parts` (the content; the CSRF token's hidden input is written between each two
    parts, as a form's {% csrf_token %}). `title` is escaped; `head`, `breadcrumbs` and the parts must be safe
    markup already. `with_menu=False` leaves the site menu out (the exam page)."""
    fixed_parts = fixed()
    name = fixed_parts.name
    return mark_safe("".join([
        "<!doctype html>\n\n",
        f'<html lang="{_e(get_language() or settings.LANGUAGE_CODE)}">\n<head>\n',
        '  <meta charset="utf-8">\n  <meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"  <title>{name if title is None else conditional_escape(title)} · {name}</title>\n",
        f'  <meta name="description" content="{fixed_parts.description}">\n',
        f"  {fixed_parts.head}\n  {head}\n</head>\n",
        top(fixed_parts, user=user, csrf_token=csrf_token),
        menu(user=user, request=request) if with_menu else "",
        rest(fixed_parts, user=user, csrf_token=csrf_token, request=request),
        '\n  <main id="main" class="container">',
        _messages_html(messages),
        breadcrumbs,
        "\n    ",
        _csrf_input(csrf_token).join(parts),
        f"\n  </main>\n  {fixed_parts.footer}\n</body>\n</html>\n",
    ]))
