"""The people of the fault drill (`bench/faults.py`): trainees who sign in, enrol, start a quiz
attempt and save answers in a loop through the quiz page's background save, and a probe that
signs in and checks a certificate every second. Every request is recorded with its time, status
and request id; every save with the answers it carried, so the drill can check afterwards that
each acknowledged answer is stored."""
from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bench.quiz_browser import FIELD_RE, Question, read_page
from tests.support import CSRF_RE

ATTEMPT_RE = re.compile(r"/attempts/(\d+)$")


@dataclass
class Request:
    """One HTTP request as the client saw it; times in seconds since the drill's clock began."""

    kind: str
    method: str
    path: str
    started: float
    ended: float = 0.0
    status: int = 0  # 0: no response (the connection failed)
    error: str = ""  # the connection error's name
    request_id: str = ""

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000

    def overlaps(self, window: tuple[float, float] | None) -> bool:
        return window is not None and self.started <= window[1] and self.ended >= window[0]


class Clock:
    def __init__(self) -> None:
        self.zero = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.zero


class Client:
    """One browser: its cookies, a new connection per request (so every failure is a real one,
    never a stale keep-alive connection), every request appended to `log`."""

    def __init__(self, port: int, clock: Clock, log: list[Request], timeout: float) -> None:
        self.port, self.clock, self.log, self.timeout = port, clock, log, timeout
        self.cookies: dict[str, str] = {}

    def send(self, kind: str, method: str, path: str, fields=None) -> tuple[Request, str, str]:
        """(the request's record, its Location header, its body)."""
        record = Request(kind, method, path, self.clock.now())
        headers = {"Accept-Language": "es"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        location = text = ""
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            record.status = response.status
            record.request_id = response.getheader("X-Request-ID", "")
            location = response.getheader("Location", "")
            self._keep_cookies(response)
        except (OSError, http.client.HTTPException) as error:
            record.error = type(error).__name__
        finally:
            conn.close()
            record.ended = self.clock.now()
            self.log.append(record)
        return record, location, text

    def _keep_cookies(self, response) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]


class SetupFailed(Exception):
    pass


def retried(step, tries: int = 8):
    """A setup step tried again (1 s apart) while the server fails or cannot be reached."""
    for _ in range(tries - 1):
        record, location, text = step()
        if record.status and record.status < 500:
            return record, location, text
        time.sleep(1)
    return step()


def sign_in(client: Client, username: str, password: str) -> bool:
    _, _, html = retried(lambda: client.send("sign-in page", "GET", "/login"))
    token = CSRF_RE.search(html)
    if not token:
        return False
    record, _, _ = retried(lambda: client.send("sign-in", "POST", "/login", {
        "username": username, "password": password, "csrf_token": token.group(1)}))
    return record.status == 302


@dataclass
class Page:
    """One page of the attempt as the browser holds it: the form's hidden fields, its questions,
    its `data-seq` and when it arrived (quiz.js numbers saves from both)."""

    number: int
    hidden: list[tuple[str, str]]
    questions: list[Question]
    base_seq: int
    loaded_at: float


@dataclass
class Save:
    """One background save: the answers it carried per question, and what came back."""

    request: Request
    attempt_id: int
    seq: int
    fields: dict[int, list[tuple[str, str]]]  # position -> the form fields of its answer
    acknowledged: set[int] = field(default_factory=set)  # positions the server said it saved


class Trainee:
    """A trainee taking a quiz: sign in, enrol, start, open every page, then save in a loop."""

    def __init__(self, number: int, username: str, password: str, quizzes: list[tuple[int, int]],
                 client: Client, think: tuple[float, float], seed: int) -> None:
        self.number, self.username, self.password = number, username, password
        self.quizzes, self.client, self.think = quizzes, client, think
        self.rng = random.Random(seed * 100_003 + number)
        self.attempt_id: int | None = None
        self.pages: list[Page] = []
        self.saves: list[Save] = []
        self.last_seq = 0
        self.stopped = ""  # why the loop ended early, if it did

    def set_up(self) -> None:
        """Signed in with an open attempt and its pages read; raises SetupFailed."""
        if not sign_in(self.client, self.username, self.password):
            raise SetupFailed(f"{self.username}: sign-in refused")
        for course_id, lesson_id in self.quizzes:
            if self._start(course_id, lesson_id):
                break
        else:
            raise SetupFailed(f"{self.username}: no quiz would start")
        for number in range(1, 50):
            record, _, html = retried(lambda number=number: self.client.send(
                "attempt page", "GET", f"/attempts/{self.attempt_id}?page={number}"))
            if record.status != 200:
                break
            hidden, seq, questions = read_page(html)
            if questions:
                self.pages.append(Page(number, hidden, questions, seq, time.monotonic()))
        if not self.pages:
            raise SetupFailed(f"{self.username}: the attempt shows no question to answer")

    def _start(self, course_id: int, lesson_id: int) -> bool:
        _, _, html = retried(lambda: self.client.send("course page", "GET",
                                                      f"/courses/{course_id}"))
        token = CSRF_RE.search(html)
        if token and f'action="/courses/{course_id}/enrol"' in html:
            retried(lambda: self.client.send("enrol", "POST", f"/courses/{course_id}/enrol",
                                             {"csrf_token": token.group(1)}))
        quiz = f"/courses/{course_id}/quizzes/{lesson_id}"
        record, _, html = retried(lambda: self.client.send("quiz page", "GET", quiz))
        token = CSRF_RE.search(html)
        if record.status != 200 or not token:
            return False
        record, location, _ = retried(lambda: self.client.send(
            "start", "POST", f"{quiz}/start", {"csrf_token": token.group(1)}))
        found = ATTEMPT_RE.search(urlsplit(location).path)
        if record.status != 302 or not found:
            return False
        self.attempt_id = int(found.group(1))
        return True

    def save_loop(self, stop: threading.Event) -> None:
        """Save changed answers of a random page after each think time, until `stop`."""
        while not stop.wait(self.rng.uniform(*self.think)):
            if not self.save(self.rng.choice(self.pages)):
                return

    def save(self, page: Page) -> bool:
        """One background save as quiz.js sends it; False when the attempt no longer takes
        answers."""
        answers = [pair for q in page.questions for pair in q.answer(self.rng)]
        # quiz.js: the server's clock when the page came, plus the time spent on it.
        elapsed_ms = int((time.monotonic() - page.loaded_at) * 1000)
        seq = max(self.last_seq + 1, page.base_seq + elapsed_ms)
        self.last_seq = seq
        record, _, body = self.client.send(
            "save", "POST", f"/attempts/{self.attempt_id}/autosave",
            page.hidden + [("seq", str(seq))] + answers)
        save = Save(record, self.attempt_id, seq, {
            q.position: [(n, v) for n, v in answers
                         if FIELD_RE.match(n).group(1) == str(q.position)]
            for q in page.questions})
        self.saves.append(save)
        if 200 <= record.status < 300:
            problems = json.loads(body).get("problems", {}) if body.startswith("{") else {}
            save.acknowledged = {p for p in save.fields if str(p) not in problems}
        elif record.status == 409:
            self.stopped = "the attempt was closed (409)"
            return False
        return True


class Probe:
    """Every `every` seconds, a new browser signs in as one of `usernames` in turn, opens its
    landing page and checks a certificate: what Redis outages used to break (issue 16)."""

    def __init__(self, port: int, clock: Clock, usernames: list[str], password: str,
                 certificate: str | None, every: float, timeout: float) -> None:
        self.port, self.clock, self.usernames, self.password = port, clock, usernames, password
        self.certificate, self.every, self.timeout = certificate, every, timeout
        self.log: list[Request] = []

    def run(self, stop: threading.Event) -> None:
        turn = 0
        while not stop.wait(self.every):
            client = Client(self.port, self.clock, self.log, self.timeout)
            username = self.usernames[turn % len(self.usernames)]
            turn += 1
            _, _, html = client.send("sign-in page", "GET", "/login")
            token = CSRF_RE.search(html)
            if token:
                record, location, _ = client.send("sign-in", "POST", "/login", {
                    "username": username, "password": self.password,
                    "csrf_token": token.group(1)})
                if record.status == 302:
                    client.send("landing page", "GET", urlsplit(location).path or "/")
            if self.certificate:
                client.send("certificate check", "GET", f"/verify/{self.certificate}.json")
