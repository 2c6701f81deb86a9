"""People as CSV: a good file of three people, and the upload a browser sends."""
from __future__ import annotations

GOOD_CSV = ("username,display_name,email,role,locale,staff_number\n"
        "ana.perez,Ana Pérez Núñez,,trainee,es,2026-001\n"
        "joao.santos,João Santos,joao@example.org,trainee,pt,\n"
        "luc.moreau,Luc Moreau,,instructor,fr,\n")


def csv_multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body built by hand, as a browser sends it."""
    boundary = "campus-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="csv_file"; '
                 f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                 + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (f"multipart/form-data; "
                                                              f"boundary={boundary}")
