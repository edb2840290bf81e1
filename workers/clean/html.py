"""Web pages: the main text and the page's metadata, with trafilatura (and htmldate for the date).

trafilatura drops navigation, ads, comment sections and most related-link blocks, and reads the title,
author, canonical URL, site name and publication date from the page's metadata (htmldate, asked for
the original publication date, not the last modification: standard tags such as article:published_time,
itemprop datePublished, JSON-LD and <time datetime>). What it keeps still goes through the line rules,
which catch the furniture inside the article body. A page trafilatura finds no main text in falls back
to the plain text of its block elements.

A page without a date in its metadata usually shows one beside its headline ("الأربعاء، 28 آب/اغسطس
2013"), in an element trafilatura leaves out of the text: `shown_date` reads it there.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

import lxml.html
from htmldate import find_date
from trafilatura import bare_extraction

from workers.clean.dates import parse_date_line
from workers.clean.normalize import display_text

log = logging.getLogger(__name__)

_MIN_PRECISE_CHARS = 200
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form", "button"}
)
_BLOCK = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
     "article", "header", "blockquote", "pre", "hr", "dd", "dt", "figcaption"}
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    title: str | None
    text: str
    published: date | None
    url: str | None
    site_name: str | None
    author: str | None
    shown: date | None = None  # the date shown beside the headline, read when the metadata has none


def _extract(page: lxml.html.HtmlElement | str, *, favor_precision: bool) -> Any:
    try:
        return bare_extraction(
            page,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=favor_precision,
            fast=True,  # no second opinion from readability: half the cost, same result on news pages
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception as exc:  # a page trafilatura cannot parse still has text worth reading
        log.debug("trafilatura failed (%s)", exc)
        return None


def read_html(html: str) -> Page:
    """The main text and metadata of a web page."""
    # Precision first: it keeps the article's paragraphs apart (one line each, which the line rules
    # need) and leaves more furniture out. On short pages it can find too little; then recall.
    extracted = _extract(_parsed(html), favor_precision=True)
    if extracted is None or len((extracted.text or "").strip()) < _MIN_PRECISE_CHARS:
        # trafilatura changes the tree it reads: parse afresh for the second pass
        extracted = _extract(_parsed(html), favor_precision=False) or extracted
    if extracted is None or not (extracted.text or "").strip():
        title, text = html_to_text(html)
        published = page_date(html)
        shown = None if published else shown_date(html)
        return Page(strip_site_name(title, None), text, published, None, None, None, shown)
    site_name = extracted.sitename or None
    published = _iso_date(extracted.date)
    return Page(
        title=strip_site_name(extracted.title or None, site_name),
        text=extracted.text,
        published=published,
        url=extracted.url or None,
        site_name=site_name,
        author=extracted.author or None,
        shown=None if published else shown_date(html),
    )


def strip_site_name(title: str | None, site_name: str | None) -> str | None:
    """The headline without the site's name that pages append to it ("… | المشرق برس")."""
    if not title:
        return None
    for separator in (" | ", " - ", " – ", " — ", " :: ", " « "):
        head, found, tail = title.rpartition(separator)
        if not found or not head.strip():
            continue
        if (site_name and tail.strip() == site_name.strip()) or (
            separator.strip() in "|::«" and len(tail.split()) <= 4
        ):
            return head.strip()
    return title.strip()


# Parts of a page that list other articles, each with its own date and headline: removed before
# extraction so that neither the text nor the date (htmldate) is taken from them.
_FURNITURE_TAGS = frozenset({"aside", "nav", "footer"})
_FURNITURE_NAMES = re.compile(
    r"^(?:sidebar|side[-_].*|.*[-_]side|sidedate|related.*|.*[-_]related|popular.*|most[-_].*|.*widget.*|"
    r"comments?|comment[-_].*|.*[-_]comments?|footer.*|.*menu.*|latest.*|recent.*|trending.*|ticker.*|"
    r"more[-_]news|read[-_]also|also[-_].*)$",
    re.IGNORECASE,
)


def _is_furniture(element: lxml.html.HtmlElement) -> bool:
    if element.tag in _FURNITURE_TAGS:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    return any(_FURNITURE_NAMES.match(name) for name in names)


def _pruned_tree(html: str) -> lxml.html.HtmlElement | None:
    """The page parsed, with side lists, menus, comments and footers taken out (never the article)."""
    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # empty or unparsable: let the readers cope with the string
        return None
    doomed = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str) and element.tag not in ("html", "body") and _is_furniture(element)
    ]
    for element in doomed:
        if (
            element.getparent() is not None
            and element.find(".//h1") is None
            and element.find(".//article") is None
        ):
            element.drop_tree()  # keeps the text that follows the element
    return tree


def _parsed(html: str) -> lxml.html.HtmlElement | str:
    tree = _pruned_tree(html)
    return html if tree is None else tree


def page_date(html: str) -> date | None:
    """The page's own publication date (htmldate), with lists of other articles taken out first."""
    tree = _pruned_tree(html)
    if tree is None:
        return None
    try:
        found = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception as exc:  # an odd page has no date we can trust
        log.debug("htmldate failed (%s)", exc)
        return None
    return _iso_date(found) if isinstance(found, str) else None


# News pages print the article's date right under the headline, or just above it with the section name;
# lines further away are the story, or other parts of the page.
_DATE_LINES_AFTER = 6
_DATE_LINES_BEFORE = 2
# A date shares its line with a byline or a place: "بقلم: فلان | 14 آذار 2019", "القاهرة - 28 أغسطس 2013".
_CREDIT_SEPARATOR = re.compile(r"\s*[|•·]\s*|\s+[-–—]\s+")


def shown_date(html: str) -> date | None:
    """The date a page shows beside its headline (its first <h1>): a line near it that is only a date,
    or a part of one set apart by a bar or dash. Side lists, menus and footers are taken out first, and
    so is a page header without the headline: sites print today's date in their banner."""
    tree = _pruned_tree(html)
    if tree is None:
        return None
    for banner in [h for h in tree.iter("header") if h.find(".//h1") is None]:
        if banner.getparent() is not None:
            banner.drop_tree()
    headline = next((h for h in tree.iter("h1") if display_text(h.text_content())), None)
    if headline is None:
        return None
    title = display_text(headline.text_content())
    _, text = html_to_text(lxml.html.tostring(tree, encoding="unicode"))
    lines = [line for line in (display_text(raw) for raw in text.split("\n")) if line]
    at = next((i for i, line in enumerate(lines) if line == title), None)
    if at is None:
        return None
    after = lines[at + 1 : at + 1 + _DATE_LINES_AFTER]
    before = lines[max(0, at - _DATE_LINES_BEFORE) : at][::-1]  # nearest first
    for line in (*after, *before):
        found = parse_date_line(line) or next(
            (d for part in _CREDIT_SEPARATOR.split(line) if (d := parse_date_line(part)) is not None), None
        )
        if found is not None:
            return found
    return None


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip_depth = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif self._skip_depth == 0:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str | None, str]:
    """(title, text) of an HTML page by its block elements: the fallback reader."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    title = " ".join("".join(collector.title_parts).split()) or None
    return title, "".join(collector.parts)
