"""A real Web Push service on 127.0.0.1 for the tests, playing both ends a phone would: it holds a
browser's subscription keys, takes FieldCert's POSTs as a push service does (RFC 8030), checks the
VAPID signature (RFC 8292) and decrypts each payload with the subscription's private key (RFC 8291)."""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, request
from joserfc import jwt
from joserfc.jwk import ECKey
from werkzeug.serving import make_server


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscription's keys, as a browser makes them."""

    name: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


@dataclass
class Push:
    browser: str
    payload: dict
    ttl: int
    vapid_claims: dict


class PushService:
    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.received: list[Push] = []
        self.answer = 201
        app = Flask("push_service")
        app.add_url_rule("/push/<name>", "push", self._push, methods=["POST"])
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()

    def reset(self) -> None:
        self.browsers.clear()
        self.received.clear()
        self.answer = 201

    def subscribe(self, name: str) -> dict:
        """A new browser's subscription, as `PushSubscription.toJSON()` gives it."""
        browser = self.browsers[name] = Browser(name)
        return {"endpoint": f"{self.origin}/push/{name}", "keys": {"p256dh": browser.p256dh, "auth": b64url(browser.auth)}}

    def _push(self, name: str):
        browser = self.browsers.get(name)
        if browser is None or self.answer != 201:
            return "", 410 if browser is None else self.answer
        scheme, _, credentials = request.headers["Authorization"].partition(" ")
        parts = dict(part.strip().split("=", 1) for part in credentials.split(","))
        assert scheme == "vapid"
        key = ECKey.import_key({"kty": "EC", "crv": "P-256", "x": b64url(unb64url(parts["k"])[1:33]),
                                "y": b64url(unb64url(parts["k"])[33:])})
        token = jwt.decode(parts["t"], key, algorithms=["ES256"])
        assert token.claims["aud"] == self.origin and token.claims["exp"] > time.time()
        assert request.headers["Content-Encoding"] == "aes128gcm"
        plain = http_ece.decrypt(request.get_data(), private_key=browser.private_key, auth_secret=browser.auth,
                                 version="aes128gcm")
        self.received.append(Push(name, json.loads(plain), int(request.headers["TTL"]), token.claims))
        return "", 201
