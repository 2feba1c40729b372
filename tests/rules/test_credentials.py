"""The QR credential's rule (decisions 21-23 in docs/rules.md): what a code says, and which verdict a verifier gives it."""
import zlib
from datetime import UTC, date, datetime, timedelta

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from webapp.rules.credentials import (
    PREFIX,
    CertificationClaim,
    Credential,
    Verdict,
    encode_kid,
    key_id,
    not_after_for,
    public_jwk,
    public_key_from_jwk,
    sign_credential,
    verify_credential,
)

ISSUED = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
FORKLIFT = CertificationClaim("Forklift", "valid", date(2026, 9, 1))


def make_credential(**fields) -> Credential:
    values = {
        "holder_name": "Emma Field",
        "holder_id": "holder-1",
        "organisation": "North",
        "certifications": (FORKLIFT, CertificationClaim("First Aid", "valid", None)),
        "issued_at": ISSUED,
        "not_after": ISSUED + timedelta(days=30),
        "report_url": "https://fieldcert.example.org/r/token",
    } | fields
    return Credential(**values)


@pytest.fixture(scope="module")
def key():
    return ec.generate_private_key(ec.SECP256R1())


def published(key) -> dict:
    return {encode_kid(key_id(key.public_key())): key.public_key()}


def test_a_signed_credential_verifies_as_valid_with_everything_it_says(key):
    code = sign_credential(make_credential(), key)
    verification = verify_credential(code, published(key), {}, ISSUED + timedelta(days=1))
    assert code.startswith(PREFIX)
    assert verification.verdict is Verdict.VALID
    assert verification.credential == make_credential()


def test_a_tampered_byte_is_forged(key):
    code = sign_credential(make_credential(), key)
    compressed = bytearray(base45.b45decode(code[len(PREFIX):]))
    compressed[len(compressed) // 2] ^= 0x01
    tampered = PREFIX + base45.b45encode(bytes(compressed)).decode()
    assert verify_credential(tampered, published(key), {}, ISSUED).verdict is Verdict.FORGED


def test_a_changed_claim_with_the_old_signature_is_forged(key):
    genuine = base45.b45decode(sign_credential(make_credential(), key)[len(PREFIX):])
    other = base45.b45decode(sign_credential(make_credential(holder_name="Eve Forger"), key)[len(PREFIX):])
    protected, unprotected, _payload, signature = cbor2.loads(zlib.decompress(genuine)).value
    forged_payload = cbor2.loads(zlib.decompress(other)).value[2]
    spliced_sign1 = cbor2.CBORTag(18, [protected, unprotected, forged_payload, signature])
    spliced = PREFIX + base45.b45encode(zlib.compress(cbor2.dumps(spliced_sign1))).decode()
    assert verify_credential(spliced, published(key), {}, ISSUED).verdict is Verdict.FORGED


def test_a_key_the_organisation_does_not_publish_is_forged(key):
    stranger = ec.generate_private_key(ec.SECP256R1())
    code = sign_credential(make_credential(), stranger)
    assert verify_credential(code, published(key), {}, ISSUED).verdict is Verdict.FORGED


def test_a_stranger_key_under_the_organisations_kid_is_forged(key):
    stranger = ec.generate_private_key(ec.SECP256R1())
    code = sign_credential(make_credential(), stranger)
    kid = encode_kid(key_id(stranger.public_key()))
    assert verify_credential(code, {kid: key.public_key()}, {}, ISSUED).verdict is Verdict.FORGED


@pytest.mark.parametrize("code", ["", "hello", "FC1:", "FC1:!!!", "FC1:" + base45.b45encode(b"not zlib").decode()])
def test_garbage_is_forged_not_an_error(key, code):
    assert verify_credential(code, published(key), {}, ISSUED).verdict is Verdict.FORGED


def test_past_its_not_after_is_expired_and_says_who(key):
    code = sign_credential(make_credential(), key)
    at_the_limit = verify_credential(code, published(key), {}, ISSUED + timedelta(days=30))
    before = verify_credential(code, published(key), {}, ISSUED + timedelta(days=30, seconds=-1))
    assert at_the_limit.verdict is Verdict.EXPIRED
    assert at_the_limit.credential.holder_name == "Emma Field"
    assert before.verdict is Verdict.VALID


def test_issued_before_the_holders_revocation_is_revoked_and_after_it_valid(key):
    code = sign_credential(make_credential(), key)
    revoked = {"holder-1": ISSUED + timedelta(seconds=1)}
    assert verify_credential(code, published(key), revoked, ISSUED).verdict is Verdict.REVOKED
    assert verify_credential(code, published(key), {"holder-1": ISSUED}, ISSUED).verdict is Verdict.VALID
    assert verify_credential(code, published(key), {"holder-2": ISSUED + timedelta(days=1)}, ISSUED).verdict is Verdict.VALID


def test_revoked_beats_expired(key):
    code = sign_credential(make_credential(), key)
    later = ISSUED + timedelta(days=60)
    assert verify_credential(code, published(key), {"holder-1": later}, later).verdict is Verdict.REVOKED


def test_the_published_key_round_trips_through_its_json_web_key(key):
    jwk = public_jwk(key.public_key())
    code = sign_credential(make_credential(), key)
    assert jwk["kid"] == encode_kid(key_id(key.public_key()))
    assert verify_credential(code, {jwk["kid"]: public_key_from_jwk(jwk)}, {}, ISSUED).verdict is Verdict.VALID


def test_not_after_is_30_days_unless_a_certification_expires_sooner():
    soon = CertificationClaim("Forklift", "due", date(2026, 6, 20))
    assert not_after_for(ISSUED, (FORKLIFT,), 30) == ISSUED + timedelta(days=30)
    assert not_after_for(ISSUED, (FORKLIFT, soon), 30) == datetime(2026, 6, 20, tzinfo=UTC)


def test_not_after_ignores_expirations_already_past():
    expired = CertificationClaim("Forklift", "expired", date(2026, 6, 1))
    never = CertificationClaim("Induction", "valid", None)
    assert not_after_for(ISSUED, (expired, never), 7) == ISSUED + timedelta(days=7)
