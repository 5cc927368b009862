"""Reading pages as a person sees them, for the number-format scan (a helper module, not a test module).

`visible_text(html)` keeps what a reader sees: text nodes, never tags, attributes, scripts or styles, and not the
content of <code>/<kbd>/<samp> (codes, usernames) nor anything marked `translate="no"`/`data-raw`.
`number_problems(text)` finds the numbers written against the rule of hocso.core.formatting (Vietnamese): a decimal
with more than two decimals, a bare integer above 999 (no thousands separator), an English decimal point, an ISO
date. Years (1900–2100), numbers with a leading zero (CCCD, phone numbers, commune codes) and tokens mixing digits
and letters (agency codes, usernames) are not counts and pass.
`crawl(client, start, limit=…)` follows a signed-in user's links: the menu first, then links on each page, at most
`per_shape` pages of each URL shape (digits and query values ignored) and `limit` pages in all.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

SKIPPED_ELEMENTS = {"script", "style", "template", "code", "kbd", "samp", "noscript", "svg", "textarea"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TextAndLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipping: list[str] = []  # the stack of open elements whose text is not read

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag in VOID_ELEMENTS:
            return
        if self._skipping or tag in SKIPPED_ELEMENTS or attributes.get("translate") == "no" or "data-raw" in attributes:
            self._skipping.append(tag)
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
        self.parts.append(" ")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def parse(html: str) -> tuple[str, list[str]]:
    parser = _TextAndLinks()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip(), parser.links


def visible_text(html: str) -> str:
    return parse(html)[0]


# A token is what lies between spaces and the separators of dates, times, ranges and fractions.
_SPLIT = re.compile(r"[\s/():;\[\]{}–—×|~<>=+…«»\"“”'‘’]+")
_EDGES = ".,%!?*"
_VI_NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})*(?:,(\d+))?$")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and 1900 <= int(digits) <= 2100


def number_problems(text: str) -> list[str]:
    """The numbers of a Vietnamese page's visible text written against the house rule, each with its context."""
    problems = []
    for match in _ISO_DATE.finditer(text):
        problems.append(f"ISO date {match.group()!r}")
    for raw in _SPLIT.split(_ISO_DATE.sub(" ", text)):
        token = raw.strip(_EDGES)
        if token.startswith("-"):
            token = token[1:]
        if not token or not token[0].isdigit() or not re.fullmatch(r"[\d.,]+", token):
            continue  # words, codes mixing letters and digits (H45.01, hv0012), masked numbers
        if token.startswith("0") and len(token) > 1 and token[1].isdigit():
            continue  # CCCD, phone numbers, commune codes: identifiers, not counts
        if token.isdigit():
            if len(token) > 3 and not _is_year(token) and len(token) < 9:  # 9+ digits: a reference, not a count
                problems.append(f"no thousands separator in {raw!r}")
            continue
        vi = _VI_NUMBER.match(token)
        if vi:
            if vi.group(1) and len(vi.group(1)) > 2:
                problems.append(f"{len(vi.group(1))} decimals in {raw!r}")
            continue
        if re.fullmatch(r"\d+(?:\.\d+){2,}", token):
            continue  # a section or version number (1.2.3)
        problems.append(f"badly written number {raw!r}")
    return problems


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


SKIPPED_PATHS = ("/static/", "/media/", "/api/", "/tai-khoan/dang-xuat", "/i18n/", "/admin/")


def _followable(url: str) -> bool:
    if not url.startswith("/") or url.startswith("//"):
        return False
    if any(url.startswith(p) for p in SKIPPED_PATHS):
        return False
    query = dict(parse_qsl(urlsplit(url).query))
    return "format" not in query and "download" not in query


def crawl(client, start: Iterable[str], *, limit: int = 250, per_shape: int = 2):
    """Yield (url, response) for the HTML pages a signed-in client reaches from `start`."""
    queue = deque(start)
    seen: set[str] = set(queue)
    shapes: dict[str, int] = {}
    visited = 0
    while queue and visited < limit:
        url = queue.popleft()
        shape = _shape(url)
        if shapes.get(shape, 0) >= per_shape:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        visited += 1
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            yield url, response
            continue
        yield url, response
        for href in parse(response.content.decode())[1]:
            href = urldefrag(href)[0]
            if href.startswith("?"):
                href = urlsplit(url).path + href
            if href and _followable(href) and href not in seen:
                seen.add(href)
                queue.append(href)
