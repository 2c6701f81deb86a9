"""Parts of pages kept for a while (academy/cache.py): per process, or in Redis for every
process; a Redis that is down keeps nothing and breaks nothing."""
from __future__ import annotations

import secrets

from academy import cache
from tests.support import local_redis


def counting():
    calls = []

    def compute():
        calls.append(1)
        return f"<p>part {len(calls)}</p>"
    return calls, compute


def test_a_part_is_computed_once_then_kept_until_its_time_is_up(app, monkeypatch):
    monkeypatch.setitem(app.extensions, "campus_kept", cache.ProcessStore())
    calls, compute = counting()
    with app.app_context():
        first = cache.kept("k", 30, compute)
        assert cache.kept("k", 30, compute) == first and len(calls) == 1
        assert cache.kept("other", 30, compute).text == "<p>part 2</p>"
        later = cache.time.monotonic() + 31
        monkeypatch.setattr(cache.time, "monotonic", lambda: later)
        assert cache.kept("k", 30, compute).text == "<p>part 3</p>"
        # 0 seconds: nothing is kept.
        assert cache.kept("k0", 0, compute).text != cache.kept("k0", 0, compute).text


def test_a_process_keeps_a_bounded_number_of_parts():
    store = cache.ProcessStore(entries=3)
    for n in range(5):
        store.put(f"k{n}", cache.Kept(str(n), cache.utcnow()), 60)
    assert [store.get(f"k{n}") is None for n in range(5)] == [True, True, False, False, False]


def test_redis_keeps_one_part_for_every_process(app, monkeypatch):
    url = local_redis(14)
    key = f"test:{secrets.token_hex(4)}"
    calls, compute = counting()
    one, other = cache.RedisStore(url), cache.RedisStore(url)
    with app.app_context():
        monkeypatch.setitem(app.extensions, "campus_kept", one)
        first = cache.kept(key, 30, compute)
        monkeypatch.setitem(app.extensions, "campus_kept", other)  # another worker
        assert cache.kept(key, 30, compute) == first and len(calls) == 1
    assert 0 < one.client.ttl(cache.REDIS_PREFIX + key) <= 30
    one.client.delete(cache.REDIS_PREFIX + key)


def test_redis_down_computes_the_part_and_raises_nothing(app, monkeypatch, caplog):
    calls, compute = counting()
    with app.app_context():
        monkeypatch.setitem(app.extensions, "campus_kept", cache.RedisStore("redis://127.0.0.1:1/0"))
        assert cache.kept("k", 30, compute).text == "<p>part 1</p>"
        assert cache.kept("k", 30, compute).text == "<p>part 2</p>"
    assert "Redis unreachable" in caplog.text
