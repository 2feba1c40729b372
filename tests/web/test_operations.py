"""Running in production: liveness and readiness checks, request ids and JSON logs (webapp/logs.py)."""
from __future__ import annotations

import io
import json
import logging

import pytest

from webapp import create_app
from webapp.logs import JSONFormatter, RequestIdFilter


def test_healthz_answers_without_the_database(client, count_queries):
    with count_queries() as queries:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert queries == []


def test_readyz_checks_the_database_and_the_file_store(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}
    assert response.headers["Cache-Control"] == "private, no-store"


def test_readyz_says_which_check_fails_and_nothing_more(client, app, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(blocker / "files"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "checks": {"database": "ok", "storage": "unavailable"}}
    assert "a-file" not in response.get_data(as_text=True)


def test_readyz_with_the_database_gone_is_503_without_its_address(tmp_path):
    gone = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql://fieldcert:s3cret@127.0.0.1:9/gone",
                      UPLOAD_FOLDER=str(tmp_path))
    response = gone.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["checks"]["database"] == "unavailable"
    assert "s3cret" not in response.get_data(as_text=True) and "127.0.0.1" not in response.get_data(as_text=True)
    assert gone.test_client().get("/healthz").status_code == 200


def test_every_response_carries_a_new_request_id_unless_the_proxy_is_trusted(client, app, monkeypatch):
    first, second = client.get("/healthz"), client.get("/healthz", headers={"X-Request-ID": "from-outside"})
    assert len(first.headers["X-Request-ID"]) == 32 and first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert second.headers["X-Request-ID"] != "from-outside"
    monkeypatch.setitem(app.config, "TRUST_REQUEST_ID", True)
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.01"}).headers["X-Request-ID"] == "lb-7f3a.01"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" level="ERROR'}).headers["X-Request-ID"]
    assert forged != 'x" level="ERROR' and len(forged) == 32


@pytest.fixture
def json_lines(monkeypatch):
    """What the root logger writes through the JSON handler, as parsed lines."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [handler])
    for name in ("webapp", "fieldcert.requests"):
        # A migration run earlier in this process (alembic's fileConfig) disables the loggers it finds.
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    level = root.level
    root.setLevel(logging.INFO)  # setLevel, not an attribute: loggers cache what their level allows
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.setLevel(level)


def test_every_log_line_of_a_request_carries_its_id(client, app, monkeypatch, tmp_path, json_lines):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("")
    response = client.get("/readyz")
    lines = json_lines()
    assert [line["level"] for line in lines] == ["ERROR", "INFO"]
    assert {line["request_id"] for line in lines} == {response.headers["X-Request-ID"]}
    assert lines[0]["message"].startswith("Not ready") and lines[0]["logger"] == "webapp"
    assert lines[1] | {"time": None, "ms": None} == {
        "time": None, "level": "INFO", "logger": "fieldcert.requests", "message": "request",
        "request_id": response.headers["X-Request-ID"], "method": "GET", "route": "/readyz", "status": 503, "ms": None}


def test_the_request_line_names_the_route_never_the_token(client, factory, json_lines):
    worker = factory.user()
    client.get(f"/r/{worker.qr_token}")
    [line] = [line for line in json_lines() if line["message"] == "request"]
    assert line["route"] == "/r/<token>" and worker.qr_token not in json.dumps(json_lines())


def test_production_logs_json_to_stderr(monkeypatch, tmp_path):
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    create_app("testing", LOG_FORMAT="json", UPLOAD_FOLDER=str(tmp_path))
    [handler] = logging.getLogger().handlers
    assert isinstance(handler.formatter, JSONFormatter)
