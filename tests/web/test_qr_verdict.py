"""The QR report answers first: photo, name, company, a verdict per role; then valid, expiring, the rest."""
import io
from datetime import date

import pytest
from PIL import Image

from webapp.services.photos import encode_photo, keep_photo
from webapp.services.settings import update_photo_settings


@pytest.fixture
def wanda(factory, frozen_clock):
    """On 06/15/2026: not cleared as Field Technician (H2S Awareness expired 06/12/2026), cleared as Rigger."""
    company = factory.company(name="Acme Field")
    worker = factory.user(company=company, first_name="Wanda", last_name="Worker")
    first_aid = factory.yearly_certification(name="First Aid")
    h2s = factory.yearly_certification(name="H2S Awareness")
    forklift = factory.yearly_certification(name="Forklift")
    rigging = factory.yearly_certification(name="Rigging")
    technician = factory.role(first_aid, h2s, companies=[company], name="Field Technician")
    rigger = factory.role(forklift, rigging, companies=[company], name="Rigger")
    factory.assign(worker, technician)
    factory.assign(worker, rigger)
    factory.record(worker, first_aid, date(2026, 1, 10))  # valid until 01/10/2027
    factory.record(worker, h2s, date(2025, 6, 12))  # expired 06/12/2026
    factory.record(worker, forklift, date(2025, 7, 1))  # due, expires 07/01/2026: within 30 days
    factory.record(worker, rigging, date(2026, 2, 1))
    worker.roles_by_name = {"Field Technician": technician, "Rigger": rigger}
    worker.certifications_by_name = {"H2S Awareness": h2s}
    return worker


def _page(client, worker, query=""):
    response = client.get(f"/r/{worker.qr_token}{query}")
    return response.status_code, response.get_data(as_text=True)


def test_the_report_opens_with_photo_name_company_and_verdicts_then_sections_in_order(client, wanda):
    status, page = _page(client, wanda)
    assert status == 200
    order = [
        'aria-label="No photo on file"',
        "Wanda Worker</h1>",
        "Acme Field",
        "Not cleared for Field Technician",
        "Cleared for Rigger",
        ">Valid</h2>",
        "<h3>First Aid</h3>",
        "<h3>Rigging</h3>",
        ">Expires within 30 days</h2>",
        "<h3>Forklift</h3>",
        ">Other requirements</h2>",
        "<h3>H2S Awareness</h3>",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)


def test_the_initials_stand_in_for_the_photo(client, wanda):
    _, page = _page(client, wanda)
    assert 'role="img" aria-label="No photo on file"><span aria-hidden="true">WW</span>' in page


def test_the_photo_shows_once_module_settings_allow_it(client, factory, wanda):
    administrator = factory.user("Administrator")
    picture = io.BytesIO()
    Image.new("RGB", (40, 40), (20, 90, 160)).save(picture, "PNG")
    keep_photo(wanda, administrator, encode_photo(picture.getvalue()))
    photo = f'src="/people/qr/{wanda.qr_token}/photo" alt="Photo of Wanda Worker"'
    _, page = _page(client, wanda)
    assert photo not in page and 'aria-label="No photo on file"' in page
    update_photo_settings(administrator, show_photos=True)
    _, page = _page(client, wanda)
    assert photo in page and 'aria-label="No photo on file"' not in page
    assert client.get(f"/people/qr/{wanda.qr_token}/photo").mimetype == "image/jpeg"


def test_a_verdict_names_each_blocking_requirement_with_status_and_date(client, factory, wanda):
    _, page = _page(client, wanda)
    technician = page[page.index("Not cleared for Field Technician"):page.index("Cleared for Rigger")]
    assert "<strong>H2S Awareness</strong> expired 06/12/2026" in technician
    assert "First Aid" not in technician
    rigger = page[page.index("Cleared for Rigger"):page.index(">Valid</h2>")]
    assert "Forklift" not in rigger and "Not cleared" not in rigger


def test_a_direct_requirement_is_listed_but_blocks_no_role(client, factory, wanda):
    factory.require(wanda, factory.yearly_certification(name="Site Induction"))
    _, page = _page(client, wanda)
    assert "Cleared for Rigger" in page and "<h3>Site Induction</h3>" in page
    verdicts = page[:page.index(">Valid</h2>")]
    assert "Site Induction" not in verdicts


@pytest.mark.parametrize("asked", ["Rigger", "rigger", " RIGGER ", "id"])
def test_the_role_filter_answers_for_that_role_only(client, wanda, asked):
    rigger = wanda.roles_by_name["Rigger"]
    status, page = _page(client, wanda, f"?role={rigger.id if asked == 'id' else asked}")
    assert status == 200
    assert "Verdict for Rigger" in page and "Cleared for Rigger" in page
    assert "Field Technician" not in page
    assert "<h3>Forklift</h3>" in page and "<h3>Rigging</h3>" in page
    assert "H2S Awareness" not in page and "First Aid" not in page
    assert f'href="/r/{wanda.qr_token}">See every role' in page


def test_the_role_filter_shows_what_blocks(client, wanda):
    status, page = _page(client, wanda, "?role=Field%20Technician")
    assert status == 200
    assert "Not cleared for Field Technician" in page and "<strong>H2S Awareness</strong> expired 06/12/2026" in page
    assert "Rigger" not in page and "Forklift" not in page


@pytest.mark.parametrize("asked, shown", [("Crane Operator", "Crane Operator"), ("99999", "99999"),
                                          ("\u00b2", "\u00b2"), ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;")])
def test_an_unknown_role_gets_a_clear_message(client, wanda, asked, shown):
    status, page = _page(client, wanda, f"?role={asked}")
    assert status == 404
    assert f"No role “{shown}” on this report: Wanda Worker is not cleared for it here." in page
    assert "Cleared for" not in page and "H2S Awareness" not in page and "<b>x</b>" not in page


def test_a_role_of_the_organisation_the_person_does_not_hold_is_unknown_here(client, factory, wanda):
    crane = factory.role(factory.yearly_certification(name="Crane"), companies=[wanda.company], name="Crane Operator")
    status, page = _page(client, wanda, f"?role={crane.id}")
    assert status == 404 and f"No role “{crane.id}” on this report" in page and "Crane Operator" not in page


def test_an_empty_role_filter_shows_every_role(client, wanda):
    status, page = _page(client, wanda, "?role=")
    assert status == 200 and "Not cleared for Field Technician" in page and "Cleared for Rigger" in page


def test_pending_approval_is_never_shown(client, factory, wanda):
    factory.record(wanda, wanda.certifications_by_name["H2S Awareness"], date(2026, 6, 14), status="pending")
    _, page = _page(client, wanda)
    assert "Pending approval" not in page and "pending-flag" not in page
    assert "<strong>H2S Awareness</strong> expired 06/12/2026" in page


def test_a_hidden_certification_is_never_named_but_still_refuses_the_verdict(client, factory, wanda):
    secret = factory.yearly_certification(name="Secret Clearance", hide_from_qr_reports=True)
    vault = factory.role(secret, companies=[wanda.company], name="Vault Keeper")
    factory.assign(wanda, vault)
    for query in ("", "?role=Vault%20Keeper"):
        _, page = _page(client, wanda, query)
        assert "Secret Clearance" not in page
        assert "Not cleared for Vault Keeper" in page and "1 more requirement not shown on this report" in page


def test_a_hidden_certification_that_is_valid_leaves_the_role_cleared(client, factory, wanda):
    secret = factory.yearly_certification(name="Secret Clearance", hide_from_qr_reports=True)
    factory.assign(wanda, factory.role(secret, companies=[wanda.company], name="Vault Keeper"))
    factory.record(wanda, secret, date(2026, 1, 10))
    _, page = _page(client, wanda)
    assert "Secret Clearance" not in page and "Cleared for Vault Keeper" in page and "not shown" not in page


def test_in_training_without_a_record_is_not_cleared(client, factory, wanda):
    welding = factory.yearly_certification(name="Welding")
    welder = factory.role(welding, companies=[wanda.company], name="Welder")
    factory.assign(wanda, welder, training_until=date(2026, 9, 1))
    _, page = _page(client, wanda, "?role=Welder")
    assert "Not cleared for Welder" in page and "In training until 09/01/2026" in page
    assert "<strong>Welding</strong> in training until 09/01/2026, nothing on file" in page


def test_the_wallet_card_says_what_the_report_says(client, factory, sign_in, wanda):
    secret = factory.yearly_certification(name="Secret Clearance", hide_from_qr_reports=True)
    factory.require(wanda, secret)
    factory.record(wanda, secret, date(2026, 1, 10))
    factory.record(wanda, wanda.certifications_by_name["H2S Awareness"], date(2026, 6, 14), status="pending")
    sign_in(wanda)
    page = client.get(f"/qr/{wanda.id}").get_data(as_text=True)
    card = page[page.index('<section class="wallet-card"'):page.index("</section>", page.index('class="wallet-card"'))]
    order = [
        'aria-label="No photo on file"',
        "Wanda Worker</h2>",
        "Acme Field",
        "QR code for the Roles and Certifications Report of Wanda Worker",
        "Not cleared for Field Technician",
        "<strong>H2S Awareness</strong> expired 06/12/2026",
        "Cleared for Rigger",
        "As of 06/15/2026.",
        ">Valid</h3>",
        "First Aid, until 01/10/2027",
        ">Expires within 30 days</h3>",
        "Forklift, until 07/01/2026",
    ]
    positions = [card.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Secret Clearance" not in page and "Pending approval" not in page
