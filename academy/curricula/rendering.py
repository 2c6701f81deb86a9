"""Lesson Markdown to safe HTML: CommonMark via markdown-it-py, then sanitised by nh3 (Ammonia).

Raw HTML in a lesson is never rendered (it shows as text), and the sanitiser removes anything
the Markdown could still produce that is unsafe: scripts, event handlers, javascript:/data: URLs.
"""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "img",
}
# No style attributes: the Content-Security-Policy would refuse them anyway.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}


def _files_under(base: str | None):
    """Point `files/<name>` references at the course's file address; keep other URLs."""

    def _filter(_tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("src", "href") and value.startswith("files/"):
            return f"{base}{value[len('files/'):]}" if base else None
        return value

    return _filter


def render_markdown(text: str, files_base: str | None = None) -> Markup:
    """Safe HTML for a lesson body; a level-1 heading becomes level 2 (the page has the h1).

    `files_base` is where the course's files are served; `files/x.png` in the text points there.
    """
    return Markup(_rendered(text or "", files_base))


@lru_cache(maxsize=512)
def _rendered(text: str, files_base: str | None) -> str:
    """The rendering, kept per process by the text itself: an edited text is a new key, so the
    cache is never stale, in any worker (issue 14: rendering was 15 % of a lesson page)."""
    html = _markdown.render(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_files_under(files_base),
    )


def render_question_text(text: str, text_format: str, files_base: str | None = None) -> Markup:
    """Safe HTML for a question's words in their GIFT/Moodle format.

    markdown: as a lesson; html and moodle (Moodle's auto-format: HTML with line breaks kept):
    sanitised to the lesson tags; plain: shown as typed.
    """
    if text_format == "markdown":
        return render_markdown(text, files_base)
    if text_format == "plain":
        return Markup("<br>").join(Markup.escape(line) for line in (text or "").split("\n"))
    html = (text or "").replace("\n", "<br>") if text_format == "moodle" else (text or "")
    return Markup(_sanitised(html, files_base))


@lru_cache(maxsize=4096)
def _sanitised(html: str, files_base: str | None) -> str:
    """Sanitised question HTML, kept per process by the text itself as `_rendered` is (an
    attempt page cleans every question and choice it shows)."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow",
                     attribute_filter=_files_under(files_base))
