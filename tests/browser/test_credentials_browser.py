"""An inspector with no signal checks a worker's signed credential in the verifier (issue 20), and the
browser's verifier gives the verdict the Python rule gives, code for code."""
import os
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from webapp.rules.credentials import (
    CertificationClaim,
    Credential,
    public_jwk,
    sign_credential,
    verify_credential,
)

pytestmark = pytest.mark.browser

BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


@pytest.fixture(autouse=True)
def no_keys_yet(app):
    path = app.config["CREDENTIAL_KEYS_FILE"]
    if os.path.exists(path):
        os.remove(path)


def tampered(code: str) -> str:
    """The code with one character in the middle changed to another base45 character."""
    middle = len(code) // 2
    return code[:middle] + BASE45[(BASE45.index(code[middle]) + 1) % 45] + code[middle + 1:]


def verdict_shown(page) -> str:
    return page.locator("[data-verdict]:visible").inner_text().strip()


def test_the_verifier_checks_a_card_with_no_signal(factory, signed_in_page, new_page):
    # The real clock: the browser's own clock decides whether a code has expired.
    company = factory.company(name="Acme Field")
    worker = factory.user(company=company, first_name="Wanda", last_name="Worker")
    factory.require(worker, factory.certification(name="Working at Height"))
    card = signed_in_page(worker, viewport=(390, 844))
    card.goto(f"/qr/{worker.id}")
    assert card.get_by_role("img", name="Signed credential of Wanda Worker, checked without signal").is_visible()
    code = card.locator("[data-credential]").text_content()

    inspector = new_page(viewport=(390, 844))
    inspector.goto("/verify")
    inspector.get_by_text("Keys and revocations as of").wait_for()
    inspector.evaluate("""() => navigator.serviceWorker.controller || new Promise((controlled) =>
        navigator.serviceWorker.addEventListener("controllerchange", controlled))""")
    inspector.context.set_offline(True)

    inspector.get_by_label("Credential code").fill(code)
    inspector.get_by_role("button", name="Verify").click()
    inspector.get_by_text("Wanda Worker").wait_for()
    assert verdict_shown(inspector) == "VALID"
    assert inspector.get_by_text("Acme Field").is_visible()
    assert inspector.locator("[data-certifications]").inner_text().startswith("Working at Height")
    assert not inspector.get_by_role("link", name="Open the live report").is_visible()  # no signal

    inspector.get_by_label("Credential code").fill(tampered(code))
    inspector.get_by_role("button", name="Verify").click()
    inspector.locator("[data-verdict=forged]").wait_for()
    assert verdict_shown(inspector) == "FORGED"
    assert not inspector.get_by_text("Wanda Worker").is_visible()

    # Opened again with no signal: the phone keeps the page, its script and the lists.
    inspector.reload()
    inspector.get_by_label("Credential code").fill(code)
    inspector.get_by_role("button", name="Verify").click()
    inspector.get_by_text("Wanda Worker").wait_for()
    assert verdict_shown(inspector) == "VALID"


def test_the_browser_and_python_verifiers_agree(page):
    issued = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    key, stranger = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    credential = Credential(
        holder_name="Zoë Ø'Brien <b>", holder_id="holder-1", organisation=None,
        certifications=(CertificationClaim("Forklift", "due", date(2026, 7, 1)),
                        CertificationClaim("Induction", "valid", None)),
        issued_at=issued, not_after=issued + timedelta(days=16), report_url="https://fieldcert.example.org/r/x",
    )
    genuine = sign_credential(credential, key)
    codes = [genuine, tampered(genuine), sign_credential(credential, stranger), "FC1:", "nonsense", genuine + "A"]
    moments = [issued, issued + timedelta(days=16), issued + timedelta(days=16, seconds=-1)]
    revocations = [{}, {"holder-1": issued + timedelta(seconds=1)}, {"holder-1": issued}]
    cases = [(code, now, revoked) for code in codes for now in moments for revoked in revocations]
    python = [verify_credential(code, {public_jwk(key.public_key())["kid"]: key.public_key()}, revoked, now)
              for code, now, revoked in cases]

    page.goto("/verify")
    browser = page.evaluate(
        """async ([cases, keySet]) => {
            const { verifyCredential } = await import("/static/js/credential.js");
            const out = [];
            for (const [code, now, revoked] of cases) {
                const result = await verifyCredential(code, keySet, { revoked }, now);
                out.push([result.verdict, result.credential && result.credential.holderName,
                          result.credential && result.credential.certifications.map((c) => [c.name, c.status, c.expiresOn])]);
            }
            return out;
        }""",
        [
            [[code, int(now.timestamp()), [{"holder": h, "before": int(t.timestamp())} for h, t in revoked.items()]]
             for code, now, revoked in cases],
            {"keys": [public_jwk(key.public_key())]},
        ],
    )

    expected = [
        [v.verdict.value, v.credential and v.credential.holder_name,
         v.credential and [[c.name, c.status, c.expires_on and c.expires_on.isoformat()]
                           for c in v.credential.certifications]]
        for v in python
    ]
    assert browser == expected
    assert {v.verdict.value for v in python} == {"valid", "expired", "revoked", "forged"}
