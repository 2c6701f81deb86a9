"""The public check of a certificate: by code (typed forgivingly), as JSON, by uploaded file,
the same answer for any unknown code, and a limit per address."""
from __future__ import annotations

import io
import re

from academy.certificates import codes
from tests.factories.certificates import (
    complete_a_week_ago,  # noqa: F401 - fixtures
    issue,
    pdf_bytes,
)
from tests.support import CSRF_RE

# --- Public check --------------------------------------------------------------------------------

def test_the_public_check_shows_only_what_the_certificate_shows(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    client = app.test_client()
    response = client.get(f"/verify/{codes.grouped(certificate.code)}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "This certificate is genuine and valid." in text
    assert "María López Fernández" in text and "Registros con dignidad" in text
    assert trainee.username not in text and "noindex" in response.headers["X-Robots-Tag"]
    as_json = client.get(f"/verify/{codes.grouped(certificate.code)}.json").get_json()
    assert as_json["status"] == "valid" and as_json["serial"] == certificate.serial
    assert as_json["name"] == "María López Fernández" and "username" not in as_json


def test_a_typed_code_is_forgiving_and_leads_to_the_certificate(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    typed = codes.grouped(certificate.code).lower().replace("-", " ").replace("0", "o")
    response = app.test_client().get("/verify", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{codes.grouped(certificate.code)}")


def test_unknown_codes_get_the_same_answer_whether_near_or_random(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    near = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    client = app.test_client()
    answers = []
    for code in (near, codes.new_code()):
        response = client.get(f"/verify/{codes.grouped(code)}")
        body = response.get_data(as_text=True).replace(codes.grouped(code), "CODE")
        answers.append((response.status_code, re.sub(r'value="[^"]*"', "", body)))
        assert client.get(f"/verify/{codes.grouped(code)}.json").get_json() == {"status": "unknown"}
    assert answers[0] == answers[1] and answers[0][0] == 404
    assert client.get(f"/verify/{certificate.serial}").status_code == 404  # a serial is not enough


def test_a_malformed_code_is_explained_next_to_the_field(app):
    response = app.test_client().get("/verify?code=ABC-123")
    assert response.status_code == 400
    assert "A verification code has 28 letters and digits" in response.get_data(as_text=True)


def test_the_public_check_is_rate_limited_per_address(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    app.config["VERIFY_MAX_PER_ADDRESS"] = 3
    try:
        client = app.test_client()
        url = f"/verify/{codes.grouped(certificate.code)}"
        statuses = [client.get(url, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
                    for _ in range(4)]
        other = client.get(url, environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code
    finally:
        app.config["VERIFY_MAX_PER_ADDRESS"] = 60
    assert statuses == [200, 200, 200, 429] and other == 200


def test_an_uploaded_pdf_is_checked_against_the_stored_hash(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    data = pdf_bytes(certificate)
    client = app.test_client()
    url = f"/verify/{codes.grouped(certificate.code)}/file"
    token = CSRF_RE.search(client.get(f"/verify/{codes.grouped(certificate.code)}")
                           .get_data(as_text=True)).group(1)
    good = client.post(url, data={"csrf_token": token, "pdf": (io.BytesIO(data), "c.pdf")},
                       content_type="multipart/form-data")
    assert "exactly the PDF Campus issued" in good.get_data(as_text=True)
    tampered = data[:1000] + bytes([data[1000] ^ 1]) + data[1001:]  # one bit changed
    bad = client.post(url, data={"csrf_token": token, "pdf": (io.BytesIO(tampered), "c.pdf")},
                      content_type="multipart/form-data")
    assert "is not the PDF Campus issued" in bad.get_data(as_text=True)
    anywhere = client.post("/verify/file", data={"csrf_token": token,
                                                 "pdf": (io.BytesIO(data), "c.pdf")},
                           content_type="multipart/form-data")
    assert certificate.serial in anywhere.get_data(as_text=True)
