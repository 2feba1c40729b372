"""The QR credential's keys, issue and revocation list (the format is in webapp/rules/credentials.py).

Signing keys live in one JSON file outside the database (CREDENTIAL_KEYS_FILE, mode 600): the
newest key that is not retired signs; every key not retired is published and keeps verifying.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import AuditEntry, Submission, User
from webapp.models.base import utcnow
from webapp.rules.credentials import (
    CertificationClaim,
    Credential,
    Verification,
    encode_kid,
    key_id,
    not_after_for,
    public_jwk,
    public_key_from_jwk,
    sign_credential,
    verify_credential,
)
from webapp.services.key_files import key_file_lock, write_key_file
from webapp.services.qr_codes import QR_RESET_ACTION, QRReport, qr_report_url, qr_svg_data_uri


class KeyRingError(Exception):
    """A key command that cannot be done, with the reason to show."""


def _key_file() -> Path:
    configured = current_app.config.get("CREDENTIAL_KEYS_FILE")
    return Path(configured or os.path.join(current_app.instance_path, "credential-keys.json"))


def _read_ring() -> dict:
    path = _key_file()
    if not path.exists():
        return {"holder_secret": secrets.token_hex(32), "keys": []}
    return json.loads(path.read_text())


def _private_key(entry: dict) -> ec.EllipticCurvePrivateKey:
    return serialization.load_pem_private_key(entry["private_key"].encode("ascii"), password=None)


def _new_entry() -> dict:
    private_key = ec.generate_private_key(ec.SECP256R1())
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {
        "kid": encode_kid(key_id(private_key.public_key())),
        "private_key": pem.decode("ascii"),
        "created_at": utcnow().isoformat(),
        "retired_at": None,
    }


def _active(ring: dict) -> list[dict]:
    return [entry for entry in ring["keys"] if entry["retired_at"] is None]


def _ring_with_signing_key() -> dict:
    """The key ring, with a first signing key made and saved if there is none yet."""
    ring = _read_ring()
    if _active(ring):
        return ring
    with key_file_lock(_key_file()):
        ring = _read_ring()
        if not _active(ring):
            ring["keys"].append(_new_entry())
            write_key_file(_key_file(), ring)
    return ring


def rotate_signing_key() -> str:
    """A new signing key from now on; earlier keys keep verifying until retired. Returns the new kid."""
    with key_file_lock(_key_file()):
        ring = _read_ring()
        entry = _new_entry()
        ring["keys"].append(entry)
        write_key_file(_key_file(), ring)
    return entry["kid"]


def retire_signing_key(kid: str) -> None:
    """Stop publishing `kid`: every credential it signed verifies as forged from then on."""
    with key_file_lock(_key_file()):
        ring = _read_ring()
        active = _active(ring)
        entry = next((e for e in active if e["kid"] == kid), None)
        if entry is None:
            raise KeyRingError(f"No key {kid!r} in use (see `flask credential-keys list`).")
        if entry is active[-1]:
            raise KeyRingError(f"{kid} is the signing key: run `flask credential-keys rotate` first.")
        entry["retired_at"] = utcnow().isoformat()
        write_key_file(_key_file(), ring)


def list_signing_keys() -> list[dict]:
    """Every key with its kid, creation and retirement, the signing key last among those in use."""
    return [{k: entry[k] for k in ("kid", "created_at", "retired_at")} for entry in _read_ring()["keys"]]


def published_keys() -> dict:
    """The public key set verifiers cache: every key not retired, by kid."""
    ring = _ring_with_signing_key()
    return {"keys": [public_jwk(_private_key(entry).public_key()) for entry in _active(ring)]}


def _holder_id(ring: dict, user_id: int) -> str:
    """An opaque, stable id for a person in credentials: keyed, so no one can tell who it is from outside."""
    secret = bytes.fromhex(ring["holder_secret"])
    return hmac.new(secret, f"holder:{user_id}".encode(), hashlib.sha256).hexdigest()[:24]


def _whole_second_after(moment: datetime) -> datetime:
    """Credentials count whole seconds: rounding issue and revocation times up alike keeps a card
    issued just after a QR reset valid."""
    return moment.replace(microsecond=0) + timedelta(seconds=1 if moment.microsecond else 0)


def revocation_list(now: datetime) -> dict:
    """Holders whose credentials issued before a moment are revoked: their latest QR reset or record
    revocation. Older events are left out, since every credential issued before them has expired (two queries)."""
    since = now - timedelta(days=current_app.config["CREDENTIAL_DAYS"])
    latest: dict[int, datetime] = {}
    resets = (
        select(AuditEntry.entity_id, func.max(AuditEntry.at))
        .where(AuditEntry.action == QR_RESET_ACTION, AuditEntry.entity_type == User.__name__, AuditEntry.at > since)
        .group_by(AuditEntry.entity_id)
    )
    revocations = (
        select(Submission.user_id, func.max(Submission.revoked_at))
        .where(Submission.revoked_at > since)
        .group_by(Submission.user_id)
    )
    for user_id, at in [*db.session.execute(resets), *db.session.execute(revocations)]:
        latest[int(user_id)] = max(at, latest.get(int(user_id), at))
    ring = _ring_with_signing_key()
    return {
        "revoked": [
            {"holder": _holder_id(ring, user_id), "before": int(_whole_second_after(at).timestamp())}
            for user_id, at in sorted(latest.items())
        ]
    }


@dataclass(frozen=True)
class CredentialCode:
    text: str
    svg_uri: str
    not_after: datetime


def credential_code(report: QRReport, now: datetime) -> CredentialCode:
    """The credential for what `report` shows now, as text and as a QR code: made afresh each time,
    so any change to the report (a record, an expiration, a QR reset) is in the next card shown
    (decision 33)."""
    ring = _ring_with_signing_key()
    user = report.user
    certifications = tuple(
        CertificationClaim(r.certification.name, r.status.status.value, r.status.expires_on)
        for r in report.requirements
    )
    issued_at = _whole_second_after(now)
    not_after = not_after_for(issued_at, certifications, current_app.config["CREDENTIAL_DAYS"])
    credential = Credential(
        holder_name=user.full_name,
        holder_id=_holder_id(ring, user.id),
        organisation=user.company.name if user.company else None,
        certifications=certifications,
        issued_at=issued_at,
        not_after=not_after,
        report_url=qr_report_url(user),
    )
    text = sign_credential(credential, _private_key(_active(ring)[-1]))
    return CredentialCode(text, qr_svg_data_uri(text), not_after)


def check_credential(code: str, now: datetime) -> Verification:
    """The verdict on `code` against this server's own key set and revocation list."""
    keys = {jwk["kid"]: public_key_from_jwk(jwk) for jwk in published_keys()["keys"]}
    revoked = {
        entry["holder"]: datetime.fromtimestamp(entry["before"], UTC) for entry in revocation_list(now)["revoked"]
    }
    return verify_credential(code, keys, revoked, now)
