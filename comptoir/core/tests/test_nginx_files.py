"""The nginx locations of the production guide (docs/deploy/nginx-files.conf), run by a real
nginx: public media served, invoice PDFs never, hashed static files cached for a year."""

import gzip
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

SNIPPET = Path(__file__).resolve().parents[3] / "docs" / "deploy" / "nginx-files.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        if os.environ.get("CI") == "true":  # ./scripts/test installs it: CI runs every test
            pytest.fail("nginx is not installed (apt-get install nginx-light)", pytrace=False)
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    var = tmp_path / "var"
    files = {
        "media/products/cafe.png": b"a picture", "media/merchant/logo.png": b"the logo",
        "media/invoices/F-000001-fr-20261203-abc.pdf": b"%PDF personal data",
        "staticfiles/comptoir/site.css": b"body { color: black }",
        "staticfiles/comptoir/site.0123456789ab.css": b"body { color: black }",
    }
    for name, content in files.items():
        (var / name).parent.mkdir(parents=True, exist_ok=True)
        (var / name).write_bytes(content)
    compressed = gzip.compress(b"body { color: black }")
    (var / "staticfiles/comptoir/site.0123456789ab.css.gz").write_bytes(compressed)
    (tmp_path / "files.conf").write_text(SNIPPET.read_text().replace("/srv/comptoir/var", str(var)))
    port = free_port()
    temp = tmp_path / "temp"
    temp.mkdir()
    (tmp_path / "nginx.conf").write_text(f"""
daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    types {{ text/css css; image/png png; application/pdf pdf; }}
    access_log off;
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        include {tmp_path}/files.conf;
        location / {{ return 200 "gunicorn"; }}
    }}
}}
""")
    process = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_public_media_only(nginx):
    picture = httpx.get(f"{nginx}/media/products/cafe.png")
    assert (picture.status_code, picture.content) == (200, b"a picture")
    assert picture.headers["Content-Type"] == "image/png"
    assert picture.headers["X-Content-Type-Options"] == "nosniff"
    assert picture.headers["Cache-Control"] == "public, max-age=604800"
    assert httpx.get(f"{nginx}/media/merchant/logo.png").status_code == 200
    for private in ("/media/invoices/F-000001-fr-20261203-abc.pdf", "/media/products/%2e%2e/invoices/"
                    "F-000001-fr-20261203-abc.pdf", "/media/", "/media/invoices/"):
        assert httpx.get(nginx + private).status_code == 404, private


def test_hashed_static_files_for_a_year_compressed(nginx):
    hashed = httpx.get(f"{nginx}/static/comptoir/site.0123456789ab.css", headers={"Accept-Encoding": "gzip"})
    assert hashed.status_code == 200
    assert hashed.headers["Content-Encoding"] == "gzip"
    assert hashed.headers["Cache-Control"] == "public, max-age=315360000, immutable"
    assert hashed.content == b"body { color: black }"
    plain = httpx.get(f"{nginx}/static/comptoir/site.css")
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "public, max-age=60"
    assert httpx.get(f"{nginx}/fr/").text == "gunicorn"
