"""The HSE documents' how-tos (seeds 003 and 004), clicked through as an administrator would, end to end
(issue 21, "Done when"; docs/hse-howtos.md maps each how-to to where it is done and to these steps):
create a group and a certification of each type, associate assets, clients and job locations (Add Selected),
record an inspection with its file, filter by status, revoke with a reason, remove after a confirmation, the
view switcher, an asset's QR code on a phone, an employee's assignment and the role inheritance marker, the
job location's site requirements, Export All and Export Instances, and the import of the entity files."""
from datetime import date

import pytest
from playwright.sync_api import expect

from webapp.extensions import db
from webapp.models import Certification, Entity
from webapp.services.entity_import import ENTITY_HEADERS, SITE_HEADERS
from sqlalchemy import select

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation(factory, frozen_clock):
    """Ada, the assets, clients and job locations an HSE suite would have, a role and its worker."""
    owner = factory.user(username="owen", first_name="Owen", last_name="Owner")
    factory.entity("asset", name="Tower Crane", identifier="TC-01", owner=owner)
    factory.entity("asset", name="Mobile Crane", identifier="MC-02")
    factory.entity("client", name="Harbour Authority", identifier="CL-01")
    factory.entity("location", name="Pier 4 Terminal", identifier="JL-01")
    return factory.user("Administrator", username="ada", first_name="Ada", last_name="Admin")


def _certification_of_type(page, name: str, type_label: str, group: str | None = None) -> None:
    """How to Create a Certification: Certifications, the group chosen (its "Create a certification in" button
    brings it along) or the + button (Create Certification), then the name and the type."""
    page.goto("/certifications/")
    if group:
        page.get_by_label("Group", exact=True).select_option(label=group)
        page.get_by_role("link", name=f"Create a certification in {group}").click()
        expect(page.get_by_label("Group", exact=True).locator("option:checked")).to_have_text(group)
    else:
        page.get_by_role("link", name="Create Certification").first.click()
    page.get_by_label("Certification Name").fill(name)
    page.get_by_label("Type", exact=True).select_option(label=type_label)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name=f"Certification: {name}")).to_be_visible()


def _add_selected(page, tab: str, add: str, search: str, names: list[str]) -> None:
    """How to Assign a Certification to an Asset / Client / Job Location: the tab, Add ..., search, tick, Add Selected."""
    page.get_by_role("link", name=tab, exact=True).click()
    page.get_by_role("link", name=add).click()
    page.get_by_label(f"Search {tab.lower()} by name or identifier").fill(search)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")  # the list is swapped as one types, then on Search
    for name in names:
        page.get_by_label(name, exact=False).check()
    page.get_by_role("button", name="Add Selected").click()
    for name in names:
        expect(page.get_by_role("row").filter(has_text=name)).to_be_visible()


@pytest.mark.both_databases
def test_assets_clients_and_job_locations_howtos(organisation, signed_in_page, tmp_path, new_page):
    page = signed_in_page(organisation, viewport=(1280, 900))
    # How to Create a Certification Group.
    page.goto("/certifications/")
    page.get_by_label("More actions").click()
    page.get_by_role("link", name="Certification Groups").click()
    for name in ("Safety", "Equipment"):
        page.get_by_label("Group name").fill(name)
        page.get_by_role("button", name="Create Group").click()
        expect(page.get_by_role("listitem").filter(has_text=name).first).to_be_visible()
    # How to Move a Certification Group: Equipment into Safety.
    page.get_by_role("link", name="Rename / Move Equipment").click()
    page.get_by_label("Inside group").select_option(label="Safety")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("listitem").filter(has_text="— Equipment")).to_be_visible()  # one level inside

    # How to Create a Certification of each type (Asset, Client, Job Location), and how to Edit one.
    _certification_of_type(page, "LOLER Thorough Examination", "Asset", group="Equipment")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Information").fill("Every lifting appliance, every 12 months.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Every lifting appliance, every 12 months.")).to_be_visible()

    # How to Assign a Certification to an Asset: both cranes at once.
    _add_selected(page, "Assets", "Add Asset", "crane", ["Tower Crane", "Mobile Crane"])
    expect(page.get_by_role("row").filter(has_text="Tower Crane")).to_contain_text("Nothing on File")

    # An inspection recorded with its certificate attached, on the asset's page.
    page.get_by_role("row").filter(has_text="Tower Crane").get_by_role("link", name="Tower Crane", exact=True).click()
    page.get_by_role("link", name="Record LOLER Thorough Examination").click()
    page.get_by_label("Completion date").fill("2026-06-01")
    certificate = tmp_path / "loler-tc01.pdf"
    certificate.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Attach files").set_input_files(str(certificate))
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("link", name="loler-tc01.pdf")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="LOLER Thorough Examination")).to_contain_text("Valid")

    # How to Filter Associations by Status.
    crane = db.session.scalar(select(Entity).where(Entity.identifier == "TC-01"))
    loler = db.session.scalar(select(Certification).where(Certification.name == "LOLER Thorough Examination"))
    page.goto(f"/certifications/{loler.id}/entities")
    page.get_by_label("Status").select_option(label="Valid")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("row").filter(has_text="Tower Crane")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Mobile Crane")).to_have_count(0)
    page.get_by_label("Status").select_option(label="Nothing on File")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("row").filter(has_text="Mobile Crane")).to_be_visible()

    # Revoke (a documented reason, history kept), then Remove (a confirmation; history deleted).
    page.get_by_role("link", name="Revoke Mobile Crane").click()
    page.get_by_label("Documented reason").fill("Sold to another contractor")
    page.get_by_role("button", name="Revoke").click()
    page.goto(f"/certifications/{loler.id}/entities?status=revoked")
    expect(page.get_by_role("row").filter(has_text="Mobile Crane")).to_contain_text("Sold to another contractor")
    page.get_by_role("link", name="Remove Mobile Crane").click()
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("row").filter(has_text="Mobile Crane")).to_have_count(0)

    # Client and Job Location certifications, each associated from its tab.
    _certification_of_type(page, "Client Safety Audit", "Client")
    _add_selected(page, "Clients", "Add Client", "harbour", ["Harbour Authority"])
    _certification_of_type(page, "Site Permit", "Job Location")
    _add_selected(page, "Job Locations", "Add Job Location", "pier", ["Pier 4 Terminal"])

    # How to Switch Views: Assets, Clients, Job Locations.
    page.goto("/certifications/")
    views = page.get_by_role("navigation", name="Certification views")
    views.get_by_role("link", name="Assets").click()
    expect(page.get_by_role("row").filter(has_text="Tower Crane")).to_contain_text("Valid")
    page.get_by_role("navigation", name="Certification views").get_by_role("link", name="Clients").click()
    expect(page.get_by_role("row").filter(has_text="Harbour Authority")).to_contain_text("Nothing on File")
    page.get_by_role("navigation", name="Certification views").get_by_role("link", name="Job Locations").click()
    expect(page.get_by_role("row").filter(has_text="Pier 4 Terminal")).to_contain_text("Nothing on File")

    # The asset's QR code: a sticker scanned on a phone opens its inspection status without signing in.
    page.goto(f"/assets/{crane.id}")
    expect(page.get_by_role("img", name="QR code for the status page of Tower Crane")).to_be_visible()
    phone = new_page(viewport=(360, 740))
    phone.goto(f"/a/{crane.qr_token}")
    expect(phone.get_by_text("In service")).to_be_visible()
    expect(phone.get_by_text("LOLER Thorough Examination")).to_be_visible()


@pytest.mark.both_databases
def test_employees_roles_sites_exports_and_the_entity_files(organisation, factory, signed_in_page, tmp_path):
    company = factory.company(name="Acme")
    sam = factory.user(username="sam", first_name="Sam", last_name="Site")
    wanda = factory.user(username="wanda", first_name="Wanda", last_name="Welder", company=company)
    induction = factory.yearly_certification(name="Site Induction")
    factory.assign(wanda, factory.role(induction, name="Safety Officer", companies=[company]))
    factory.record(sam, induction, date(2026, 1, 10))
    page = signed_in_page(organisation, viewport=(1280, 900))

    # How to Assign a Certification to an Employee: Associated Users > Edit Other Required Certifications
    # (Select Assigned Users), tick, save.
    page.goto(f"/certifications/{induction.id}")
    page.get_by_role("link", name="Associated Users").click()
    page.get_by_role("link", name="Edit Other Required Certifications").click()
    page.get_by_label("Site, Sam").check()
    page.get_by_role("button", name="Save Assigned Users").click()
    expect(page.get_by_role("row").filter(has_text="Site, Sam")).to_contain_text("Valid")

    # Role-based inheritance: the role's members are marked and offer no Remove.
    expect(page.get_by_role("row").filter(has_text="Welder, Wanda")).to_contain_text("From role: Safety Officer")

    # How to View All Certifications Across All Employees.
    page.goto("/certifications/?view=employees")
    expect(page.get_by_role("row").filter(has_text="Site, Sam")).to_contain_text("Valid")

    # A job location requires the induction of the people working there; Sam works there and is cleared.
    pier = db.session.scalar(select(Entity).where(Entity.identifier == "JL-01"))
    page.goto(f"/job-locations/{pier.id}")
    page.get_by_role("link", name="Site Clearance").click()
    page.get_by_label("Site Induction").check()
    page.get_by_role("button", name="Save Required Certifications").click()
    page.get_by_label("Username or e-mail").fill("sam")
    page.get_by_role("button", name="Add Person").click()
    expect(page.get_by_text("Sam Site: cleared for this site")).to_be_visible()

    # How to Export Certification Data: Certifications > ⋮ > Export All / Export Instances.
    page.goto("/certifications/")
    page.get_by_label("More actions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export All").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Employee,sam,Sam Site,sam," in text and "Employee,wanda,Wanda Welder,wanda," in text
    with page.expect_download() as download:
        page.get_by_role("link", name="Export Instances").click()
    assert "Site Induction" in open(download.value.path(), encoding="utf-8-sig").read()

    # Moving in from the HSE suite: the assets, clients and job locations file, then the sites file.
    entities, sites = tmp_path / "entities.csv", tmp_path / "sites.csv"
    entities.write_text(",".join(ENTITY_HEADERS) + "\nAsset,Excavator,EX-07,,Plant,owen,\n")
    sites.write_text(",".join(SITE_HEADERS) + "\nJL-01,,wanda\n")
    for path, title, preview in ((entities, "Assets, Clients and Job Locations", "Asset Excavator (EX-07)"),
                                 (sites, "Job Location Requirements and Workers", "Wanda Welder (wanda) works there")):
        page.goto("/data/")
        page.get_by_role("link", name=f"Import {title}").click()
        page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(path))
        page.get_by_role("button", name="Check File").click()
        expect(page.get_by_text(preview)).to_be_visible()
        page.get_by_role("button", name="Import 1 row").click()
        expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text("1 created")
    page.goto(f"/job-locations/{pier.id}/clearance")
    expect(page.get_by_text("Wanda Welder: not cleared for this site")).to_be_visible()
