"""The crowd of the quiz benchmark: one thread per trainee taking the quiz, and the bare page
under the same crowd."""
from __future__ import annotations

import json
import math
import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.quiz_browser import FIELD_RE, Browser, Sample, read_page
from tests.support import CSRF_RE


@dataclass
class Sent:
    fields: list[tuple[str, str]]
    seq: int


@dataclass
class Trainee:
    number: int
    user_id: int
    attempt_id: int | None = None
    sent: dict[int, Sent] = field(default_factory=dict)  # position -> last acknowledged save
    samples: list[Sample] = field(default_factory=list)
    retries: int = 0
    short_saves: int = 0
    double_submitted: bool = False
    stopped: str = ""  # why the scenario stopped early, if it did


class Scenario:
    """Everything one trainee does, with think times between the answers."""

    def __init__(self, trainee: Trainee, cookie: str, ids: dict, args, port: int) -> None:
        self.t, self.ids, self.args, self.port = trainee, ids, args, port
        self.rng = random.Random(args.seed * 100_003 + trainee.number)
        self.browser = Browser(port, cookie, args, trainee.samples)

    def think(self) -> None:
        time.sleep(self.rng.uniform(*self.args.think))

    def run(self) -> None:
        time.sleep(self.args.ramp * self.t.number / max(1, self.args.trainees))
        try:
            if self.start():
                self.answer_pages()
        finally:
            self.t.retries += self.browser.retries
            self.browser.close()

    def stop(self, why: str) -> bool:
        self.t.stopped = self.t.stopped or why
        return False

    def start(self) -> bool:
        quiz = f"/courses/{self.ids['course']}/quizzes/{self.ids['lesson']}"
        status, _, html = self.browser.request("quiz page", "GET", quiz)
        token = CSRF_RE.search(html)
        if status != 200 or not token:
            return self.stop(f"quiz page {status}")
        status, location, _ = self.browser.request("start", "POST", f"{quiz}/start",
                                                   {"csrf_token": token.group(1)})
        found = re.search(r"/attempts/(\d+)$", urlsplit(location).path)
        if status != 302 or not found:
            return self.stop(f"start {status} {location}")
        self.t.attempt_id = int(found.group(1))
        return True

    def answer_pages(self) -> None:
        base = f"/attempts/{self.t.attempt_id}"
        pages = math.ceil(self.args.questions / self.args.per_page)
        for page in range(1, pages + 1):
            status, _, html = self.browser.request("attempt page", "GET", f"{base}?page={page}")
            loaded = time.monotonic()
            form, server_seq, questions = read_page(html)
            if status != 200 or not questions or ("page", str(page)) not in form:
                self.stop(f"attempt page {page}: {status}")
                return
            answers: list[tuple[str, str]] = []
            for _ in range(self.args.autosaves):
                self.think()
                answers = [pair for q in questions for pair in q.answer(self.rng)]
                self.save("autosave", f"{base}/autosave", form, answers, questions, server_seq,
                          loaded)
            self.think()
            if self.rng.random() < 0.5 or not answers:  # a last change before moving on
                answers = [pair for q in questions for pair in q.answer(self.rng)]
            go = str(page + 1) if page < pages else "summary"
            if not self.save("page change", base, form + [("go", go)], answers, questions,
                             server_seq, loaded):
                return
        self.submit(base)

    def save(self, kind, path, form, answers, questions, server_seq, loaded) -> bool:
        seq = server_seq + int((time.monotonic() - loaded) * 1000)  # as quiz.js numbers saves
        status, _, body = self.browser.request(kind, "POST", path,
                                               form + [("seq", str(seq))] + answers)
        if kind == "autosave":  # a failed background save is retried by the next save
            if status != 200:
                return False
            if json.loads(body).get("saved") != len(questions):
                self.t.short_saves += 1
        elif status != 302:
            return self.stop(f"{kind} {status}")
        for question in questions:
            self.t.sent[question.position] = Sent(
                [(name, value) for name, value in answers
                 if FIELD_RE.match(name).group(1) == str(question.position)], seq)
        return True

    def submit(self, base: str) -> None:
        status, _, html = self.browser.request("summary", "GET", f"{base}/summary")
        token = CSRF_RE.search(html)
        if status != 200 or not token:
            self.stop(f"summary {status}")
            return
        self.think()
        fields = {"csrf_token": token.group(1)}
        twin = None
        if self.rng.random() < self.args.double_submit:  # a double click, from a second tab
            self.t.double_submitted = True
            other = Browser(self.port, self.browser.cookie, self.args, self.t.samples)
            twin = threading.Thread(target=other.request,
                                    args=("submit", "POST", f"{base}/submit", fields))
            twin.start()
        status, location, _ = self.browser.request("submit", "POST", f"{base}/submit", fields)
        if twin is not None:
            twin.join()
        if status != 302:
            self.stop(f"submit {status}")
            return
        status, _, _ = self.browser.request("review", "GET", urlsplit(location).path)
        if status != 200:
            self.stop(f"review {status}")


def run_trainees(trainees: list[Trainee], cookies: list[str], ids: dict, args, port: int) -> float:
    """Every trainee at once, one thread each; returns the wall time in seconds."""
    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=Scenario(t, cookies[t.number], ids, args, port).run,
                                daemon=True) for t in trainees]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    report_at = started + 15
    while alive := [thread for thread in threads if thread.is_alive()]:
        alive[0].join(max(0.1, report_at - time.perf_counter()))
        if time.perf_counter() < report_at:
            continue
        report_at += 15
        samples = [s for t in trainees for s in list(t.samples)]
        failed = sum(s.status not in (200, 302) for s in samples)
        print(f"  {time.perf_counter() - started:3.0f} s: {len(samples)} requests, {failed} "
              f"failed, {len(threads) - len(alive)} trainees done", flush=True)
    return time.perf_counter() - started


def run_baseline(port: int, args) -> tuple[list[Sample], float]:
    """The bare page under the same crowd: as many clients, the same think times and pacing."""
    samples: list[Sample] = []

    def client(number: int) -> None:
        rng = random.Random(args.seed * 7 + number)
        browser = Browser(port, "", args, samples)
        time.sleep(args.ramp * number / max(1, args.trainees))
        for n in range(args.baseline_requests):
            time.sleep(rng.uniform(*args.think))
            if n % 2:
                browser.request("baseline", "POST", "/", [("q1", "2"), ("page", "1")])
            else:
                browser.request("baseline", "GET", "/")
        browser.close()

    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=client, args=(n,), daemon=True)
               for n in range(args.trainees)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started
