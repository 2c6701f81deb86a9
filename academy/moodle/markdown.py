"""Moodle's HTML (pages, labels, book chapters, summaries) as the Markdown Campus lessons are
written in. The HTML is sanitised first, to the tags lessons may hold; the rest keeps its text."""
from __future__ import annotations

import re

import nh3

from academy.curricula.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

_KEPT = ALLOWED_TAGS | {"h1", "b", "i", "div", "span", "u", "sub", "sup"}
_ESCAPE = re.compile(r"([\\`*_\[\]<>|])")
_BLOCK_START = re.compile(r"^(\s*)([#>+-]|\d+)([.)]?)", re.M)
_FORMATS = {0: "moodle", 1: "html", 2: "plain", 4: "markdown"}


def to_markdown(text: str, text_format: int = 1) -> str:
    """Markdown for a Moodle text in its format (1 HTML, 0 Moodle auto-format, 2 plain,
    4 Markdown, which is kept as it is)."""
    kind = _FORMATS.get(text_format, "html")
    if kind == "markdown":
        return text.strip()
    if kind == "plain":
        return "\\\n".join(_escape(line) for line in text.strip().split("\n"))
    if kind == "moodle":
        text = text.replace("\n", "<br>")
    return _html_to_markdown(text)


def _html_to_markdown(html: str) -> str:
    if not html.strip():
        return ""
    from lxml import html as lxml_html

    clean = nh3.clean(html, tags=_KEPT, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"}, link_rel=None)
    root = lxml_html.fragment_fromstring(f"<div>{clean}</div>")
    out = _blocks(root).strip()
    return re.sub(r"\n{3,}", "\n\n", out) + "\n" if out else ""


def _escape(text: str) -> str:
    return _BLOCK_START.sub(_escape_start, _ESCAPE.sub(r"\\\1", text))


def _escape_start(match: re.Match) -> str:
    """A line that would start a list, heading or quote in Markdown keeps its characters."""
    space, mark, punct = match.groups()
    if mark[0].isdigit():
        return space + mark + ("\\" + punct if punct else "")
    return space + "\\" + mark + punct


def _inline(element) -> str:
    """The element's content as inline Markdown (its tail not included)."""
    parts = [_escape(_spaces(element.text or ""))]
    for child in element:
        parts.append(_inline_child(child))
        parts.append(_escape(_spaces(child.tail or "")))
    return "".join(parts)


def _inline_child(child) -> str:
    tag = child.tag if isinstance(child.tag, str) else ""
    inner = _inline(child)
    if tag == "br":
        return "\\\n"
    if tag in ("strong", "b") and inner.strip():
        return f"**{inner.strip()}**"
    if tag in ("em", "i") and inner.strip():
        return f"*{inner.strip()}*"
    if tag == "code":
        return f"`{(child.text_content() or '').replace('`', '')}`"
    if tag == "a" and child.get("href"):
        return f"[{inner.strip() or _escape(child.get('href'))}](<{_address(child.get('href'))}>)"
    if tag == "img" and child.get("src"):
        return f"![{_escape(child.get('alt') or '')}](<{_address(child.get('src'))}>)"
    if tag in _BLOCK_TAGS:
        return " " + inner + " "
    return inner


def _address(url: str) -> str:
    """A link's address as a Markdown destination in <...> (which cannot hold <, > or a line
    end)."""
    return re.sub(r"\s", "%20", url.strip()).replace("<", "%3C").replace(">", "%3E")


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _blocks(element, prefix: str = "") -> str:
    """The element's children as Markdown blocks; loose text and inline children make paragraphs."""
    out, line = [], [_escape(_spaces(element.text or ""))]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _BLOCK_TAGS:
            out.append("".join(line).strip())
            line = []
            out.append(_block(child, tag))
        else:
            line.append(_inline_child(child))
        line.append(_escape(_spaces(child.tail or "")))
    out.append("".join(line).strip())
    return "\n\n".join(part for part in out if part)


def _block(child, tag: str) -> str:
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return f"{'#' * max(2, int(tag[1]))} {_inline(child).strip()}"
    if tag == "hr":
        return "---"
    if tag == "pre":
        return "```\n" + (child.text_content() or "").replace("```", "''' ").rstrip() + "\n```"
    if tag == "blockquote":
        return "\n".join("> " + line for line in _blocks(child).split("\n"))
    if tag in ("ul", "ol"):
        return _list(child, tag == "ol")
    if tag == "table":
        return _table(child)
    return _blocks(child)


def _list(element, ordered: bool) -> str:
    items = []
    for number, item in enumerate(element.iterfind("li"), start=1):
        marker = f"{number}. " if ordered else "- "
        body = _blocks(item).replace("\n\n", "\n").split("\n")
        indent = " " * len(marker)
        items.append(marker + body[0] + "".join("\n" + indent + line for line in body[1:]))
    return "\n".join(items)


def _table(element) -> str:
    rows = [[_inline(cell).strip().replace("\n", " ") for cell in row.iterfind("./*")]
            for row in element.iter("tr")]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote",
               "table", "hr"}


def question_format(text_format: int) -> str:
    """GIFT's name for the format of a question's text (Moodle's 0, 1, 2, 4)."""
    return _FORMATS.get(text_format, "html")
