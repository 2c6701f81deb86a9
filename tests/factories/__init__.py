"""Builders the tests share: sample packages, quiz attempts, uploads, servers and their fixtures.

One module per domain; test modules import from here, never from one another
(tests/platform/test_architecture.py checks it)."""
