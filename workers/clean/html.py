"""Web pages: the main text and the page's metadata, with trafilatura (and htmldate for the date).

trafilatura drops navigation, ads, comment sections and most related-link blocks, and reads the title,
author, canonical URL, site name and publication date from the page's metadata (htmldate, asked for
the original publication date, not the last modification). What it keeps still goes through the
line rules, which catch the furniture inside the article body. A page trafilatura finds no main text
in falls back to the plain text of its block elements.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

from trafilatura import bare_extraction

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


def _extract(html: str, *, favor_precision: bool) -> Any:
    try:
        return bare_extraction(
            html,
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
    extracted = _extract(html, favor_precision=True)
    if extracted is None or len((extracted.text or "").strip()) < _MIN_PRECISE_CHARS:
        extracted = _extract(html, favor_precision=False) or extracted
    if extracted is None or not (extracted.text or "").strip():
        title, text = html_to_text(html)
        return Page(title, text, None, None, None, None)
    return Page(
        title=extracted.title or None,
        text=extracted.text,
        published=_iso_date(extracted.date),
        url=extracted.url or None,
        site_name=extracted.sitename or None,
        author=extracted.author or None,
    )


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
