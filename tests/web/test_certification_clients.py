"""The clients an Employee certification applies to (issue 21 part 7, decision 94): picked on the
certification's form from a searched list, shown on the certification's and the client's pages, and
filtered by on the certifications list, Reports and the Matrix."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEntry, Certification, Entity, User, certification_clients
from webapp.services.certification_clients import CHOICES_SHOWN
from webapp.services.certifications import update_certification
from webapp.services.demo import load_demo_organisation
from webapp.services.invalid import Invalid


@pytest.fixture
def admin(factory, sign_in, frozen_clock):
    return sign_in(factory.user("Administrator", last_name="Admin"))


def _post(client, csrf, url, **fields):
    data = {"name": "Harbour Induction", "type": "employee", "never_expires": "y", "activity_type": "none",
            "csrf_token": csrf(), **fields}
    return client.post(url, data={k: v for k, v in data.items() if v is not None})


def _stored(name="Harbour Induction") -> Certification:
    db.session.expire_all()
    return db.session.scalars(select(Certification).where(Certification.name == name)).one()


def test_an_administrator_picks_the_clients_on_the_form_and_sees_them_on_the_pages(client, csrf, admin, factory):
    harbour = factory.entity("client", name="Harbour Authority", identifier="CL-HA")
    rail = factory.entity("client", name="Rail Co", identifier="CL-RC")
    form = client.get("/certifications/new").get_data(as_text=True)
    assert 'name="client_ids"' in form and "Harbour Authority" in form and 'id="client-search"' in form
    assert _post(client, csrf, "/certifications/new", client_ids=[str(harbour.id), str(rail.id)]).status_code == 302
    certification = _stored()
    assert [c.name for c in certification.clients] == ["Harbour Authority", "Rail Co"]
    page = client.get(f"/certifications/{certification.id}").get_data(as_text=True)
    assert "Applies to clients" in page and f'href="/clients/{harbour.id}"' in page and "CL-RC" in page
    # The edit form starts from the saved clients, ticked; unticking one removes it, with an audit entry.
    edit = client.get(f"/certifications/{certification.id}/edit").get_data(as_text=True)
    assert re.search(rf'value="{harbour.id}" id="client-{harbour.id}" checked', edit)
    assert _post(client, csrf, f"/certifications/{certification.id}/edit", client_ids=[str(rail.id)]).status_code == 302
    assert [c.name for c in _stored().clients] == ["Rail Co"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "certification.update")).all()[-1]
    assert entry.before["clients"] == ["CL-HA", "CL-RC"] and entry.after["clients"] == ["CL-RC"]
    # The client's page lists the employee certifications that apply to it.
    rail_page = client.get(f"/clients/{rail.id}").get_data(as_text=True)
    assert "Employee Certifications for This Client" in rail_page and "Harbour Induction" in rail_page
    assert "Harbour Induction" not in client.get(f"/clients/{harbour.id}").get_data(as_text=True)


def test_clients_are_refused_for_another_type_and_for_ids_that_are_not_clients(client, csrf, admin, factory):
    harbour = factory.entity("client", name="Harbour Authority")
    crane = factory.entity("asset", name="Crane")
    for forged in (str(crane.id), "2147483648", "999999"):
        response = _post(client, csrf, "/certifications/new", client_ids=[forged])
        assert response.status_code == 422, forged
        assert forged == "2147483648" or "Choose the clients from the list." in response.get_data(as_text=True)
    assert db.session.scalar(select(Certification.id)) is None
    # The form shows clients for an Employee certification only: ticks left under another type are dropped...
    assert _post(client, csrf, "/certifications/new", type="asset", client_ids=[str(harbour.id)]).status_code == 302
    assert _stored().type == "asset" and _stored().clients == []
    # ... and the service refuses them from anyone else.
    with pytest.raises(Invalid) as refused:
        update_certification(admin, _stored(), {"name": "Harbour Induction", "type": "asset", "expires": False,
                                                "activity_type": "none", "client_ids": [harbour.id]})
    assert "Only an Employee certification applies to clients" in refused.value.errors["client_ids"]
    db.session.rollback()
    assert db.session.execute(select(certification_clients)).first() is None


def test_the_client_picker_is_searched_and_keeps_the_ticked_ones(client, csrf, admin, factory):
    """Think of 1,000 clients: the form offers the first few, and a search finds the others."""
    clients = [factory.entity("client", name=f"Client {n:03}", identifier=f"CL-{n:03}") for n in range(CHOICES_SHOWN + 5)]
    form = client.get("/certifications/new").get_data(as_text=True)
    assert form.count('name="client_ids"') == CHOICES_SHOWN and "More clients match" in form
    last = clients[-1]
    assert "Client 024" not in form
    found = client.get("/certifications/client-choices", query_string={"client_q": "024", "client_ids": [str(clients[0].id)]},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in found and f'value="{last.id}"' in found
    assert re.search(rf'value="{clients[0].id}" id="client-{clients[0].id}" checked', found)  # the ticked one stays
    assert found.count('name="client_ids"') == 2
    nothing = client.get("/certifications/client-choices", query_string={"client_q": "zzz"}).get_data(as_text=True)
    assert "No client matches" in nothing
    assert client.get("/certifications/client-choices", query_string={"client_ids": "2147483648"}).status_code == 200


def test_certifications_list_reports_and_matrix_filter_by_client(client, csrf, admin, factory):
    harbour = factory.entity("client", name="Harbour Authority", identifier="CL-HA")
    induction = factory.yearly_certification(name="Harbour Induction")
    other = factory.yearly_certification(name="First Aid")
    induction.clients = [harbour]
    db.session.commit()
    worker = factory.user(last_name="Worker")
    factory.require(worker, induction)
    factory.require(worker, other)
    factory.record(worker, induction, date(2026, 3, 1))
    listed = client.get("/certifications/", query_string={"client": harbour.id}).get_data(as_text=True)
    assert "Harbour Induction" in listed and "First Aid" not in listed and "Harbour Authority (CL-HA)" in listed
    report = client.get("/reports/", query_string={"client": harbour.id}).get_data(as_text=True)
    assert "<td>Harbour Induction</td>" in report and "<td>First Aid</td>" not in report
    assert "<td>First Aid</td>" in client.get("/reports/").get_data(as_text=True)
    csv_text = client.get("/reports/export.csv", query_string={"client": harbour.id}).get_data(as_text=True)
    assert "Harbour Induction" in csv_text and "First Aid" not in csv_text
    matrix = client.get("/reports/matrix", query_string={"client": harbour.id}).get_data(as_text=True)
    assert "<span>Harbour Induction</span>" in matrix and "<span>First Aid</span>" not in matrix
    # An unknown client in a bookmarked address is no filter.
    assert "First Aid" in client.get("/certifications/", query_string={"client": 999999}).get_data(as_text=True)


def test_the_demo_has_certifications_that_apply_to_its_clients(client, sign_in, app_context, frozen_clock):
    load_demo_organisation(date(2026, 6, 15))
    harbor = db.session.scalar(select(Entity).where(Entity.identifier == "CL-100"))
    h2s = db.session.scalar(select(Certification).where(Certification.name == "H2S Awareness"))
    assert [c.identifier for c in h2s.clients] == ["CL-100"]
    sign_in(db.session.scalar(select(User).where(User.username == "ada")))
    page = client.get(f"/clients/{harbor.id}").get_data(as_text=True)
    assert "H2S Awareness" in page and "Confined Space Entry" in page and "Asbestos Awareness" not in page
    report = client.get("/reports/", query_string={"client": harbor.id}).get_data(as_text=True)
    assert "<td>H2S Awareness</td>" in report and "<td>Site Induction</td>" not in report
