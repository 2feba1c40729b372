"""Companies page: table, create/edit validation, company roles with confirmation, delete rules."""
import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEntry, Company, CompanyRole, RoleRequirement


@pytest.fixture
def admin(factory, sign_in):
    return sign_in(factory.user("Administrator"))


def _page(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/companies/", "/companies/new", "/companies/{id}", "/companies/{id}/edit",
                                  "/companies/{id}/roles", "/companies/{id}/delete"])
def test_supervisor_cannot_reach_company_pages(client, factory, sign_in, path):
    company = factory.company()
    sign_in(factory.user("Supervisor"))
    assert client.get(path.format(id=company.id)).status_code == 403


def test_unknown_company_is_404(client, admin):
    assert client.get("/companies/999").status_code == 404


def test_table_lists_name_url_and_tags(client, csrf, admin):
    client.post("/companies/new", data={"csrf_token": csrf(), "name": "Acme", "url": "https://acme.example", "tags": "North"})
    page = _page(client.get("/companies/"))
    assert "Acme" in page and "https://acme.example" in page and "North" in page


def test_table_in_fixed_queries(client, admin, factory, count_queries):
    def count():
        with count_queries() as queries:
            client.get("/companies/")
        return len(queries)

    factory.company(), factory.company()
    two = count()
    for _ in range(8):
        factory.company()
    assert count() == two


def test_name_is_required_and_unique(client, csrf, admin, factory):
    factory.company(name="Acme")
    assert "Enter the company name." in _page(client.post("/companies/new", data={"csrf_token": csrf(), "name": ""}))
    response = client.post("/companies/new", data={"csrf_token": csrf(), "name": "acme"})
    assert response.status_code == 422 and "Another company already has this name." in _page(response)


def test_url_must_be_a_web_address(client, csrf, admin):
    response = client.post("/companies/new", data={"csrf_token": csrf(), "name": "Acme", "url": "not a url"})
    assert response.status_code == 422 and db.session.scalar(select(Company)) is None


def test_edit_company_is_audited(client, csrf, admin, factory):
    company = factory.company(name="Acme")
    assert client.post(f"/companies/{company.id}/edit", data={"csrf_token": csrf(), "name": "Acme Ltd"}).status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "company.update"))
    assert entry.before["name"] == "Acme" and entry.after["name"] == "Acme Ltd"


def test_apply_role_with_description(client, csrf, admin, factory):
    company = factory.company(name="Acme")
    role = factory.role(name="Driver")
    client.post(f"/companies/{company.id}/roles", data={"csrf_token": csrf(), "role_id": [str(role.id)],
                                                         f"description-{role.id}": "Drives the trucks"})
    page = _page(client.get(f"/companies/{company.id}"))
    assert "Driver" in page and "Drives the trucks" in page


def test_unchecking_a_role_asks_for_confirmation_then_deletes_its_requirements(client, csrf, admin, factory):
    company = factory.company(name="Acme")
    certification = factory.certification()
    factory.role(certification, companies=[company], name="Driver")
    response = client.post(f"/companies/{company.id}/roles", data={"csrf_token": csrf()})
    assert ("Are you sure you want to permanently delete the Driver roles and any associated certification requirements?"
            in _page(response))
    assert db.session.scalar(select(RoleRequirement)) is not None
    response = client.post(f"/companies/{company.id}/roles", data={"csrf_token": csrf(), "confirmed": "yes"})
    assert response.status_code == 302
    assert db.session.scalar(select(CompanyRole)) is None and db.session.scalar(select(RoleRequirement)) is None


def test_original_company_cannot_be_deleted(client, csrf, admin, factory):
    original = factory.company(name="Head Office", is_original=True)
    assert "Permanently Delete Company" not in _page(client.get(f"/companies/{original.id}"))
    for response in (client.get(f"/companies/{original.id}/delete"),
                     client.post(f"/companies/{original.id}/delete", data={"csrf_token": csrf()})):
        page = _page(response)
        assert response.status_code == 409 and "You do not have permission" not in page
        assert "Head Office is the original company, which cannot be deleted" in page
        assert "Permanently Delete Company</button>" not in page
    assert db.session.get(Company, original.id) is not None


def test_delete_company_with_confirmation(client, csrf, admin, factory):
    company = factory.company(name="Acme")
    factory.role(factory.certification(), companies=[company], name="Driver")
    assert "also deletes its 1 company role" in _page(client.get(f"/companies/{company.id}/delete"))
    assert client.post(f"/companies/{company.id}/delete", data={"csrf_token": csrf()}).status_code == 302
    assert db.session.get(Company, company.id) is None and db.session.scalar(select(RoleRequirement)) is None


def test_edit_company_roles_leaves_an_archived_role_out_and_keeps_it_for_its_restore(client, csrf, admin, factory):
    company = factory.company(name="Acme")
    certification = factory.certification()
    driver = factory.role(certification, companies=[company], name="Driver")
    rigger = factory.role(certification, companies=[company], name="Rigger")
    factory.assign(factory.user("Employee"), driver)  # in use: deleting it archives it
    client.post(f"/roles/{driver.id}/delete", data={"csrf_token": csrf()}, follow_redirects=True)
    editor = _page(client.get(f"/companies/{company.id}/roles"))
    assert "Rigger" in editor and "Driver" not in editor
    assert "Driver" not in _page(client.get(f"/companies/{company.id}"))
    # Saving the editor (Rigger kept) asks nothing about the archived role and keeps its company role.
    response = client.post(f"/companies/{company.id}/roles", data={"csrf_token": csrf(), "role_id": [str(rigger.id)]})
    assert response.status_code == 302
    assert db.session.get(CompanyRole, (company.id, driver.id)) is not None
    assert client.post(f"/roles/{driver.id}/restore", data={"csrf_token": csrf()}).status_code == 302
    editor = _page(client.get(f"/companies/{company.id}/roles"))
    assert f'value="{driver.id}" id="role-{driver.id}" checked' in editor
