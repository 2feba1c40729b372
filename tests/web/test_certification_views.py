"""The certifications page's view switcher (issue 21 part 5): Groups, Employees, Assets, Clients and
Job Locations, each a page of rows with a status line per certification, in a fixed number of queries."""
from datetime import date

import pytest

from webapp.extensions import db
from webapp.services import certification_views, entities


@pytest.fixture
def entity(factory):
    """An entity of `kind` associated with `certifications`, each with a record completed on `completed_on`."""

    def make(kind, name, identifier, *certifications, completed_on=None):
        named = {"name": name, "identifier": identifier} if name else {}
        made = factory.entity(kind, **named)
        for certification in certifications:
            association = factory.associate(made, certification)
            if completed_on is not None:
                factory.entity_record(association, completed_on)
        return made

    return make


@pytest.fixture
def admin(factory, sign_in, frozen_clock):
    return sign_in(factory.user("Administrator"))


def test_the_switcher_links_every_view_and_groups_is_the_default(client, admin, factory):
    factory.certification(name="Forklift Licence")
    page = client.get("/certifications/").get_data(as_text=True)
    assert 'aria-label="Certification views"' in page
    for label, value in (("Employees", "employees"), ("Assets", "assets"), ("Clients", "clients"),
                         ("Job Locations", "locations")):
        assert f'href="/certifications/?view={value}"' in page and f">{label}</a>" in page
    assert 'href="/certifications/" hx-get="/certifications/" hx-target="#certification-view" hx-push-url="true" aria-current="page">Groups' in page
    assert "Forklift Licence" in page


def test_employees_view_shows_each_person_with_their_statuses(client, admin, factory):
    forklift = factory.yearly_certification(name="Forklift Licence")
    first_aid = factory.yearly_certification(name="First Aid")
    ann = factory.user(first_name="Ann", last_name="Archer")
    factory.require(ann, forklift)
    factory.require(ann, first_aid)
    factory.record(ann, forklift, date(2026, 1, 10))
    page = client.get("/certifications/?view=employees").get_data(as_text=True)
    assert 'aria-current="page">Employees' in page
    row = page[page.index("Archer, Ann"):]
    row = row[:row.index("</tr>")]
    assert "Forklift Licence" in row and "status-valid" in row and "expires 01/10/2027" in row
    assert "First Aid" in row and "Nothing on File" in row
    assert f'/people/{ann.id}/certifications' in page


def test_a_switch_by_htmx_gets_only_the_view(client, admin):
    response = client.get("/certifications/?view=employees",
                          headers={"HX-Request": "true", "HX-Target": "certification-view"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'aria-label="Certification views"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_an_unknown_view_or_page_is_the_default_not_an_error(client, admin):
    assert 'aria-current="page">Groups' in client.get("/certifications/?view=nope").get_data(as_text=True)
    for page in ("0", "-3", "abc", "99999999999999999999", "400"):
        assert client.get(f"/certifications/?view=assets&page={page}").status_code == 200


@pytest.mark.parametrize("kind, view, label", [("asset", "assets", "Assets"), ("client", "clients", "Clients"),
                                               ("location", "locations", "Job Locations")])
def test_entity_views_show_each_entity_with_its_statuses(client, admin, factory, entity, kind, view, label):
    inspection = factory.yearly_certification(name=f"{label} Inspection", type=kind)
    registration = factory.yearly_certification(name=f"{label} Registration", type=kind)
    entity(kind, "North Unit", "N-1", inspection, completed_on=date(2025, 6, 20))
    entity(kind, "South Unit", "S-1", registration)
    entity("asset" if kind != "asset" else "client", "Other Kind", "O-1")
    page = client.get(f"/certifications/?view={view}").get_data(as_text=True)
    assert f'aria-current="page">{label}' in page and "Other Kind" not in page
    north = page[page.index("North Unit"):]
    north = north[:north.index("</tr>")]
    assert "N-1" in north and f"{label} Inspection" in north and "Overdue" in north and "06/20/2026" in north
    south = page[page.index("South Unit"):]
    assert "Nothing on File" in south[:south.index("</tr>")]


def test_views_are_paged(client, admin, factory, monkeypatch):
    monkeypatch.setattr(certification_views, "PAGE_SIZE", 2)
    for n in range(4):
        factory.user(first_name="Crew", last_name=f"Member {n}")
    first = client.get("/certifications/?view=employees").get_data(as_text=True)
    assert "Member 0" in first and "Member 2" not in first and "1 to 2 of 5." in first  # and the admin
    assert 'href="/certifications/?page=2&amp;view=employees"' in first
    last = client.get("/certifications/?view=employees&page=3").get_data(as_text=True)
    assert "Member 3" not in last and "5 to 5 of 5." in last


def test_entity_views_are_paged_as_the_entity_lists(client, admin, entity, monkeypatch):
    monkeypatch.setattr(entities, "PAGE_SIZE", 2)
    for n in range(5):
        entity("asset", f"Crane {n}", f"C-{n}")
    first = client.get("/certifications/?view=assets").get_data(as_text=True)
    assert "Crane 0" in first and "Crane 2" not in first
    last = client.get("/certifications/?view=assets&page=3").get_data(as_text=True)
    assert "Crane 4" in last and "Crane 0" not in last


@pytest.mark.parametrize("view", ["employees", "assets", "clients", "locations"])
def test_views_load_in_a_fixed_number_of_queries(client, admin, factory, entity, count_queries, view):
    kind = {"assets": "asset", "clients": "client", "locations": "location"}.get(view, "employee")
    certification = factory.yearly_certification(type=kind)

    def add(n):
        for _ in range(n):
            if kind == "employee":
                person = factory.user()
                factory.require(person, certification)
                factory.record(person, certification, date(2026, 1, 1))
            else:
                entity(kind, None, None, certification, completed_on=date(2026, 1, 1))

    def queries():
        with count_queries() as statements:
            assert client.get(f"/certifications/?view={view}").status_code == 200
        return len(statements)

    add(2)
    two = queries()
    add(10)
    assert queries() == two


def test_only_administrators_reach_the_views(client, factory, sign_in, frozen_clock):
    sign_in(factory.user())
    assert client.get("/certifications/?view=employees").status_code == 403


SPOKEN = {
    "es": {"views": ("Empleados", "Activos", "Clientes", "Ubicaciones de trabajo"), "head": "Identificador",
           "expires": "vence el 20/06/2026", "overdue": "Atrasada"},
    "fr": {"views": ("Employés", "Équipements", "Clients", "Lieux de travail"), "head": "Identifiant",
           "expires": "expire le 20/06/2026", "overdue": "En retard"},
}


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_views_speak_the_person_s_language(client, admin, factory, entity, language):
    """The switcher, the column heads, the status lines and the pager in Spanish and French (issue 23)."""
    admin.language = language
    db.session.commit()
    inspection = factory.yearly_certification(name="Crane Inspection", type="asset")
    entity("asset", "North Unit", "N-1", inspection, completed_on=date(2025, 6, 20))
    page = client.get("/certifications/?view=assets").get_data(as_text=True)
    words = SPOKEN[language]
    for label in words["views"]:
        assert f">{label}</a>" in page
    assert f">{words['head']}</th>" in page and words["expires"] in page and words["overdue"] in page
    for english in (">Assets<", ">Identifier<", "expires 06/20", "Overdue"):
        assert english not in page
