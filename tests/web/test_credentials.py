"""The QR credential (issue 20): on the wallet card and the QR report, its keys and revocation list, the
verifier page's own check, the key commands, and a fresh credential whenever what it says changes."""
import io
import os
import re
import stat
from datetime import date, timedelta
from html import unescape

import pytest
import zxingcpp
from PIL import Image

from webapp.models.base import utcnow
from webapp.rules.credentials import Verdict
from webapp.services.credentials import (
    check_credential,
    list_signing_keys,
    published_keys,
    retire_signing_key,
    rotate_signing_key,
)
from webapp.services.qr_codes import qr_png, qr_svg_data_uri

pytestmark = pytest.mark.usefixtures("frozen_clock")

CODE = re.compile(r"<code data-credential>([^<]+)</code>")


@pytest.fixture(autouse=True)
def no_keys_yet(app):
    """Every test starts before the first key is made: the key file outlives a test's database."""
    path = app.config["CREDENTIAL_KEYS_FILE"]
    if os.path.exists(path):
        os.remove(path)


def card_code(client, user) -> str:
    page = client.get(f"/qr/{user.id}").get_data(as_text=True)
    return unescape(CODE.search(page).group(1))


def test_the_wallet_card_carries_a_valid_credential_with_the_qr_report_certifications(client, factory, sign_in):
    company = factory.company(name="North")
    user = sign_in(factory.user(company=company, first_name="Emma", last_name="Field"))
    forklift = factory.yearly_certification(name="Forklift")
    hidden = factory.certification(name="Medical", hide_from_qr_reports=True)
    factory.require(user, forklift)
    factory.require(user, hidden)
    factory.record(user, forklift, date(2026, 6, 1))

    verification = check_credential(card_code(client, user), utcnow())

    assert verification.verdict is Verdict.VALID
    credential = verification.credential
    assert (credential.holder_name, credential.organisation) == ("Emma Field", "North")
    assert [(c.name, c.status, c.expires_on) for c in credential.certifications] == [
        ("Forklift", "valid", date(2027, 6, 1))
    ]
    assert credential.report_url == f"http://127.0.0.1:5000/r/{user.qr_token}"
    assert credential.not_after - credential.issued_at == timedelta(days=30)


def test_the_credential_qr_image_decodes_to_the_code_shown(client, factory, sign_in):
    user = sign_in(factory.user())
    page = client.get(f"/qr/{user.id}").get_data(as_text=True)
    code = unescape(CODE.search(page).group(1))
    assert f'src="{qr_svg_data_uri(code)}"' in page
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(code))))
    assert [barcode.text for barcode in decoded] == [code]


def test_the_public_qr_report_carries_the_credential_too(client, factory):
    user = factory.user()
    page = client.get(f"/r/{user.qr_token}").get_data(as_text=True)
    code = unescape(CODE.search(page).group(1))
    assert check_credential(code, utcnow()).verdict is Verdict.VALID
    assert "Offline proof" in page and "style=" not in page


def test_the_key_set_is_public_and_the_key_file_is_private(app, client, factory):
    keys = client.get("/.well-known/fieldcert-keys.json")
    assert keys.status_code == 200 and keys.headers["Cache-Control"] == "no-cache"
    [key] = keys.json["keys"]
    assert {"kty": "EC", "crv": "P-256", "alg": "ES256"}.items() <= key.items() and "d" not in key
    assert stat.S_IMODE(os.stat(app.config["CREDENTIAL_KEYS_FILE"]).st_mode) == 0o600
    assert client.get("/.well-known/fieldcert-revocations.json").json == {"revoked": []}


def test_a_qr_reset_revokes_earlier_credentials_and_the_card_shows_a_fresh_one(
    client, factory, sign_in, csrf, frozen_clock
):
    admin = sign_in(factory.user("Administrator"))
    user = factory.user()
    old = card_code(client, user)
    frozen_clock.shift(timedelta(minutes=5))
    client.post(f"/qr/{user.id}/reset", data={"csrf_token": csrf()})
    new = card_code(client, user)

    assert check_credential(old, utcnow()).verdict is Verdict.REVOKED
    assert check_credential(new, utcnow()).verdict is Verdict.VALID
    assert len(client.get("/.well-known/fieldcert-revocations.json").json["revoked"]) == 1
    assert admin.id != user.id


def test_a_revoked_record_revokes_earlier_credentials(client, factory, sign_in, frozen_clock):
    user = sign_in(factory.user())
    forklift = factory.yearly_certification(name="Forklift")
    factory.require(user, forklift)
    record = factory.record(user, forklift, date(2026, 6, 1))
    old = card_code(client, user)
    frozen_clock.shift(timedelta(minutes=5))
    record.revoked_at, record.revoked_reason = utcnow(), "Card was forged"
    factory.record(user, forklift, date(2026, 6, 2))  # commits the revocation with it

    assert check_credential(old, utcnow()).verdict is Verdict.REVOKED


def test_a_new_record_is_in_the_next_card_and_the_old_one_stays_valid_until_its_not_after(
    client, factory, sign_in, frozen_clock
):
    user = sign_in(factory.user())
    forklift = factory.yearly_certification(name="Forklift")
    factory.require(user, forklift)
    old = card_code(client, user)
    frozen_clock.shift(timedelta(minutes=5))
    factory.record(user, forklift, date(2026, 6, 14))
    new = card_code(client, user)

    old_verification = check_credential(old, utcnow())
    assert old_verification.verdict is Verdict.VALID
    assert [c.status for c in old_verification.credential.certifications] == ["missing"]
    assert [c.status for c in check_credential(new, utcnow()).credential.certifications] == ["valid"]
    assert check_credential(old, old_verification.credential.not_after).verdict is Verdict.EXPIRED


def test_rotated_keys_keep_verifying_until_retired(client, factory, sign_in):
    user = sign_in(factory.user())
    old = card_code(client, user)
    [first] = list_signing_keys()
    second = rotate_signing_key()
    new = card_code(client, user)

    assert check_credential(old, utcnow()).verdict is Verdict.VALID
    assert [k["kid"] for k in client.get("/.well-known/fieldcert-keys.json").json["keys"]] == [first["kid"], second]
    with pytest.raises(Exception, match="rotate"):
        retire_signing_key(second)
    retire_signing_key(first["kid"])
    assert check_credential(old, utcnow()).verdict is Verdict.FORGED
    assert check_credential(new, utcnow()).verdict is Verdict.VALID
    assert [k["kid"] for k in client.get("/.well-known/fieldcert-keys.json").json["keys"]] == [second]


def test_the_key_commands(app, factory):
    runner = app.test_cli_runner()
    assert "New signing key" in runner.invoke(args=["credential-keys", "rotate"]).output
    runner.invoke(args=["credential-keys", "rotate"])
    kid = list_signing_keys()[0]["kid"]
    assert "Retired" in runner.invoke(args=["credential-keys", "retire", kid]).output
    assert f"{kid}  created" in runner.invoke(args=["credential-keys", "list"]).output
    refused = runner.invoke(args=["credential-keys", "retire", "nope"])
    assert refused.exit_code == 1 and "No key" in refused.output


def test_the_verifier_page_checks_a_code_sent_to_it(client, factory, sign_in):
    user = sign_in(factory.user(first_name="Emma", last_name="Field"))
    code = card_code(client, user)
    page = client.get("/verify", query_string={"code": code}).get_data(as_text=True)
    assert re.search(r'data-verdict="valid">[^<]*<svg', page)
    assert re.search(r'data-verdict="forged" hidden', page)
    assert "Emma Field" in page


@pytest.mark.parametrize("code", ["FC1:NOT A CODE", "anything", "FC1:" + "A" * 5000])
def test_the_verifier_page_calls_garbage_forged(client, factory, code):
    response = client.get("/verify", query_string={"code": code})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'data-verdict="forged">', page) and re.search(r'data-verdict="valid" hidden', page)


def test_the_verifier_page_renders_as_an_htmx_fragment_too(client, factory):
    response = client.get("/verify", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Credential code" in response.get_data(as_text=True)


def test_two_first_uses_at_once_make_one_key(app_context, at_once):
    first, second = at_once(published_keys, published_keys)
    assert first == second and len(list_signing_keys()) == 1
