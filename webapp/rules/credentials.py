"""Signed credentials: what a QR code proves with no signal (decisions 21-24 in docs/rules.md).

In the spirit of the EU Digital COVID Certificate: CBOR claims, signed as a COSE_Sign1 with
ECDSA P-256 (ES256), compressed with zlib, written in base45 and prefixed `FC1:`. The browser's
verifier (static/js/credential.js) reads the same format; both must give the same verdict.
"""
from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

PREFIX = "FC1:"
ES256 = -7  # COSE algorithm: ECDSA P-256 with SHA-256
COSE_ALG, COSE_KID = 1, 4  # COSE header labels
COSE_SIGN1_TAG = 18
CLAIM_EXPIRES, CLAIM_ISSUED = 4, 6  # CWT claims exp and iat
CLAIM_CREDENTIAL = -70001  # our claims, in the private range as the EU DCC's -260
SIGNATURE_CONTEXT = "Signature1"
COORDINATE_BYTES = 32


class Verdict(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    FORGED = "forged"


@dataclass(frozen=True)
class CertificationClaim:
    name: str
    status: str
    expires_on: date | None


@dataclass(frozen=True)
class Credential:
    holder_name: str
    holder_id: str  # opaque: says who to the revocation list, nothing to anyone else
    organisation: str | None
    certifications: tuple[CertificationClaim, ...]
    issued_at: datetime
    not_after: datetime
    report_url: str


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    credential: Credential | None  # None when forged: nothing in it can be believed
    reason: str


def not_after_for(issued_at: datetime, certifications: tuple[CertificationClaim, ...], days: int) -> datetime:
    """Decision 31: the earlier of `days` after issue and the first expiration still ahead, at its midnight (UTC)."""
    limit = issued_at + timedelta(days=days)
    ahead = [
        datetime.combine(c.expires_on, time(), UTC)
        for c in certifications
        if c.expires_on is not None and datetime.combine(c.expires_on, time(), UTC) > issued_at
    ]
    return min([limit, *ahead])


def key_id(public_key: ec.EllipticCurvePublicKey) -> bytes:
    """The first 8 bytes of the SHA-256 of the key's SubjectPublicKeyInfo, as the EU DCC does."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).digest()[:8]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_kid(kid: bytes) -> str:
    """In hex, which a command line takes as it is (base64 may begin with a dash)."""
    return kid.hex()


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict:
    """The key as a JSON Web Key, which WebCrypto imports as it is."""
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "alg": "ES256",
        "kid": encode_kid(key_id(public_key)),
        "x": _b64url(numbers.x.to_bytes(COORDINATE_BYTES, "big")),
        "y": _b64url(numbers.y.to_bytes(COORDINATE_BYTES, "big")),
    }


def public_key_from_jwk(jwk: Mapping) -> ec.EllipticCurvePublicKey:
    x = int.from_bytes(_unb64url(jwk["x"]), "big")
    y = int.from_bytes(_unb64url(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def _claims(credential: Credential) -> dict:
    return {
        CLAIM_ISSUED: int(credential.issued_at.timestamp()),
        CLAIM_EXPIRES: int(credential.not_after.timestamp()),
        CLAIM_CREDENTIAL: {
            "v": 1,
            "n": credential.holder_name,
            "h": credential.holder_id,
            "o": credential.organisation,
            "c": [[c.name, c.status, c.expires_on.isoformat() if c.expires_on else None]
                  for c in credential.certifications],
            "u": credential.report_url,
        },
    }


def _credential(claims: Mapping) -> Credential:
    body = claims[CLAIM_CREDENTIAL]
    return Credential(
        holder_name=body["n"],
        holder_id=body["h"],
        organisation=body["o"],
        certifications=tuple(
            CertificationClaim(name, status, date.fromisoformat(expires) if expires else None)
            for name, status, expires in body["c"]
        ),
        issued_at=datetime.fromtimestamp(claims[CLAIM_ISSUED], UTC),
        not_after=datetime.fromtimestamp(claims[CLAIM_EXPIRES], UTC),
        report_url=body["u"],
    )


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps([SIGNATURE_CONTEXT, protected, b"", payload])


def sign_credential(credential: Credential, private_key: ec.EllipticCurvePrivateKey) -> str:
    """Decision 30: the credential as the text its QR code holds."""
    protected = cbor2.dumps({COSE_ALG: ES256, COSE_KID: key_id(private_key.public_key())})
    payload = cbor2.dumps(_claims(credential))
    r, s = decode_dss_signature(private_key.sign(_to_be_signed(protected, payload), ec.ECDSA(hashes.SHA256())))
    # COSE carries r and s side by side, not DER: the form WebCrypto verifies.
    signature = r.to_bytes(COORDINATE_BYTES, "big") + s.to_bytes(COORDINATE_BYTES, "big")
    sign1 = cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature])
    return PREFIX + base45.b45encode(zlib.compress(cbor2.dumps(sign1), 9)).decode("ascii")


def _forged(reason: str) -> Verification:
    return Verification(Verdict.FORGED, None, reason)


def verify_credential(
    code: str,
    keys: Mapping[str, ec.EllipticCurvePublicKey],
    revoked_before: Mapping[str, datetime],
    now: datetime,
) -> Verification:
    """Decision 32: the verdict on `code` given the published keys (by kid) and the revocation list
    (holder id -> credentials issued before this moment are revoked). Forged beats revoked beats expired."""
    code = code.strip()
    if not code.startswith(PREFIX):
        return _forged("This is not a FieldCert credential.")
    try:
        sign1 = cbor2.loads(zlib.decompress(base45.b45decode(code[len(PREFIX):])))
        protected, _unprotected, payload, signature = sign1.value
        header = cbor2.loads(protected)
        kid = encode_kid(header[COSE_KID])
        algorithm = header[COSE_ALG]
    except Exception:  # noqa: BLE001 - any damage to the encoding means the code cannot be trusted
        return _forged("The code is damaged or incomplete.")
    key = keys.get(kid)
    if key is None or algorithm != ES256 or len(signature) != 2 * COORDINATE_BYTES:
        return _forged("The code was not signed by a key this organisation publishes.")
    der = encode_dss_signature(
        int.from_bytes(signature[:COORDINATE_BYTES], "big"), int.from_bytes(signature[COORDINATE_BYTES:], "big")
    )
    try:
        key.verify(der, _to_be_signed(protected, payload), ec.ECDSA(hashes.SHA256()))
        credential = _credential(cbor2.loads(payload))
    except InvalidSignature:
        return _forged("The signature does not match: the code was altered or signed by someone else.")
    except Exception:  # noqa: BLE001 - signed but unreadable claims are not ours
        return _forged("The code's contents are not a FieldCert credential.")
    revoked = revoked_before.get(credential.holder_id)
    if revoked is not None and credential.issued_at < revoked:
        return Verification(Verdict.REVOKED, credential, "A newer code replaced this one, or a record was revoked.")
    if now >= credential.not_after:
        return Verification(Verdict.EXPIRED, credential, "This code is past its valid-until time.")
    return Verification(Verdict.VALID, credential, "Signed by the organisation, in date, not revoked.")
