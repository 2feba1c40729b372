"""Structured logs: one JSON object a line (`LOG_FORMAT=json`, production's default), each carrying the
request id of the request it was written in, which the response's `X-Request-ID` header gives back.

The id is the caller's `X-Request-ID` when `TRUST_REQUEST_ID` says the proxy in front sets it (and it is
a plain token), so one id follows a request through proxy and app; otherwise a new one. Each request
ends with one `request` line: method, route (its pattern, never the path, whose tokens are secrets),
status and milliseconds.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# What a trusted id may look like: no spaces, quotes or line breaks to forge log lines with.
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
log = logging.getLogger("fieldcert.requests")


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request it was written in (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JSONFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, request id, the `fields` given, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def request_id_for(asked: str | None, trusted: bool) -> str:
    """The caller's id when trusted and plain, else a new one."""
    if trusted and asked and _PLAIN_ID.fullmatch(asked):
        return asked
    return uuid.uuid4().hex


def init_logging(app: Flask) -> None:
    """Give each request its id (first of all, so every later line has it) and, for `LOG_FORMAT=json`,
    send every logger's records to stderr as JSON."""
    if app.config["LOG_FORMAT"] == "json":
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JSONFormatter())
        handler.addFilter(RequestIdFilter())
        root = logging.getLogger()
        root.handlers = [handler]
        root.setLevel(app.config["LOG_LEVEL"])
        app.logger.handlers.clear()  # Flask's own handler would print each line a second time, as text

    @app.before_request
    def assign_request_id():
        g.request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER), app.config["TRUST_REQUEST_ID"])
        g.request_started = time.perf_counter()

    @app.after_request
    def tell_request_id(response):
        if "request_id" in g:
            response.headers[REQUEST_ID_HEADER] = g.request_id
            log.info("request", extra={"fields": {
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "status": response.status_code,
                "ms": round((time.perf_counter() - g.request_started) * 1000, 1),
            }})
        return response
