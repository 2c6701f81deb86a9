"""A trainee's browser in the quiz benchmark: timed requests on a keep-alive connection, and the
attempt page's form read as a browser reads it (also used by bench/faults.py)."""
from __future__ import annotations

import html as html_
import http.client
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.harness import COOKIE


@dataclass
class Sample:
    kind: str
    ms: float
    status: int | str  # an HTTP status, or the name of a connection error


class Browser:
    """One trainee's browser: a keep-alive connection, the session cookie, timed requests."""

    def __init__(self, port: int, cookie: str, args, samples: list[Sample]) -> None:
        self.port, self.cookie, self.args, self.samples = port, cookie, args, samples
        self.conn: http.client.HTTPConnection | None = None
        self.retries = 0

    def request(self, kind: str, method: str, path: str, fields=None):
        """(status, Location header, body); status 0 when the connection failed."""
        body = urlencode(fields) if fields is not None else None
        headers = {"Cookie": f"{COOKIE}={self.cookie}", "Accept-Language": "es"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        for attempt in (1, 2):
            reused = self.conn is not None
            if not reused:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=self.args.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.close()
                if reused and attempt == 1:  # the server closed an idle connection: resend
                    self.retries += 1
                    continue
                return self._failed(kind, start, type(error).__name__)
            except (OSError, http.client.HTTPException) as error:
                self.close()
                return self._failed(kind, start, type(error).__name__)
            break
        self.samples.append(Sample(kind, (time.perf_counter() - start) * 1000, response.status))
        self._keep_cookie(response)
        if self.args.fresh_connections or response.will_close:
            self.close()
        return response.status, response.getheader("Location", ""), data.decode("utf-8", "replace")

    def _failed(self, kind: str, start: float, name: str):
        self.samples.append(Sample(kind, (time.perf_counter() - start) * 1000, name))
        return 0, "", ""

    def _keep_cookie(self, response) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == COOKIE:
                self.cookie = rest.split(";", 1)[0]

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


TAG_RE = re.compile(r"<(input|select|option|/select)\b([^>]*)>")
ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')
FIELD_RE = re.compile(r"^q(\d+)(?:-(\d+))?$")
SEQ_RE = re.compile(r'data-seq="(\d+)"')
WORDS = ["dignidad", "respeto", "  Dignidad ", "proporcionalidad", "intimidad", "ñandú", "otra"]


@dataclass
class Question:
    position: int
    kind: str  # single, multiple, truefalse, shortanswer, numerical, matching
    values: list[str] = field(default_factory=list)  # choice or option values shown
    items: int = 0  # matching: the number of selects

    def answer(self, rng: random.Random) -> list[tuple[str, str]]:
        """Form fields for a random answer, as a browser would send them."""
        name = f"q{self.position}"
        if self.kind in ("single", "truefalse"):
            return [(name, rng.choice(self.values))]
        if self.kind == "multiple":  # sometimes none at all: clearing must be saved too
            return [(name, value) for value in self.values if rng.random() < 0.45]
        if self.kind == "matching":
            return [(f"{name}-{item}", rng.choice(self.values + [""]))
                    for item in range(self.items)]
        if self.kind == "numerical":
            return [(name, rng.choice(["2", "3", "2,5", "-1", "1e1", "0"]))]
        return [(name, rng.choice(WORDS))]


def read_page(html: str) -> tuple[list[tuple[str, str]], int, list[Question]]:
    """The form's hidden fields, its `data-seq` and its questions, from the page's HTML.

    The hidden fields go back with every save, as a browser's FormData sends them (the CSRF
    token, the page, the list of questions shown); `seq` is left out: it is set per save.
    """
    seq = SEQ_RE.search(html)
    hidden: list[tuple[str, str]] = []
    found: dict[int, Question] = {}
    select = None
    for tag, raw in TAG_RE.findall(html):
        attrs = {name: html_.unescape(value) for name, value in ATTR_RE.findall(raw)}
        match = FIELD_RE.match(attrs.get("name", ""))
        if tag == "/select":
            select = None
        elif tag == "option":
            _add_option(select, attrs)
        elif match and tag == "select":
            select = found.setdefault(int(match.group(1)),
                                      Question(int(match.group(1)), "matching"))
            select.items += 1
        elif tag == "input" and attrs.get("type") == "hidden" and attrs.get("name") != "seq":
            hidden.append((attrs.get("name", ""), attrs.get("value", "")))
        elif match and tag == "input":
            question = found.setdefault(int(match.group(1)), Question(int(match.group(1)), ""))
            _read_input(question, attrs, raw)
    return hidden, int(seq.group(1)) if seq else 0, sorted(found.values(), key=lambda q: q.position)


def _add_option(select: Question | None, attrs: dict[str, str]) -> None:
    """A matching question's option, once (every select of the question lists them all)."""
    if select is not None and attrs.get("value") and attrs["value"] not in select.values:
        select.values.append(attrs["value"])


def _read_input(question: Question, attrs: dict[str, str], raw: str) -> None:
    """What an answer input says of its question: its kind, and its choice's value."""
    kind = attrs.get("type")
    if kind == "radio":
        question.kind = "truefalse" if attrs["value"] in ("true", "false") else "single"
        question.values.append(attrs["value"])
    elif kind == "checkbox":
        question.kind = "multiple"
        question.values.append(attrs["value"])
    elif kind == "text":
        question.kind = "numerical" if 'inputmode="decimal"' in raw else "shortanswer"
