"""Role/certification assignments in and out (issue 18 part 2): which certifications each role requires in each
company. An import adds roles and requirements, never removes; bad rows are explained, nothing half-imported."""
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import CertificationRole, CompanyRole, RoleRequirement
from tests.web.test_record_import import confirm, upload

HEADER = "Role,Company,Certification"


def grid() -> set[tuple[str, str, str]]:
    rows = {(r.company_role.role.name, r.company_role.company.name, r.certification.name)
            for r in db.session.scalars(select(RoleRequirement))}
    bare = {(c.role.name, c.company.name, "") for c in db.session.scalars(select(CompanyRole)) if not c.requirements}
    lone = {(r.name, "", "") for r in db.session.scalars(select(CertificationRole)) if not r.company_roles}
    return rows | bare | lone


def test_an_import_creates_roles_applies_them_and_requires_certifications(client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    acme = factory.company(name="Acme")
    factory.company(name="North")
    factory.certification(name="H2S Awareness")
    factory.role(factory.certification(name="First Aid"), name="Welder", companies=[acme])
    response = upload(client, csrf, f"{HEADER}\nwelder,acme,first aid\nWelder,Acme,H2S Awareness\n"
                                    "Welder,North,\nRigger,Acme,First Aid\nrigger,North,H2S Awareness\nTrainee,,\n",
                      kind="assignments", filename="roles.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert "Import 5 rows" in page and "Rigger at Acme requires First Aid" in page and "new role" in page
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and (job.preview["create"], job.preview["unchanged"]) == (5, 1)
    assert grid() == {("Welder", "Acme", "First Aid"), ("Welder", "Acme", "H2S Awareness"), ("Welder", "North", ""),
                      ("Rigger", "Acme", "First Aid"), ("Rigger", "North", "H2S Awareness"), ("Trainee", "", "")}


def test_bad_rows_are_explained_and_nothing_is_imported(client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    factory.company(name="Acme")
    secret = factory.certification(name="Secret")
    secret.hidden_from_levels = [factory.levels["Administrator"]]
    db.session.commit()
    response = upload(client, csrf, f"{HEADER}\nWelder,Acme,\n,Acme,\nWelder,Nowhere,\nWelder,,Secret\n"
                                    f"{'R' * 121},Acme,\nwelder,acme,\n", kind="assignments")
    page = client.get(response.location).get_data(as_text=True)
    for message in ("Enter the role&#39;s name.", "There is no company named Nowhere: add it first.",
                    "A role requires a certification in a company: name the company.",
                    "There is no certification named Secret.", "Keep the name to 120 characters or fewer.",
                    "This assignment is in the file twice (also row 2)."):
        assert message in page
    confirm(client, csrf)
    assert grid() == set()


def test_the_export_moves_the_grid_into_an_empty_one(client, csrf, factory, sign_in):
    sign_in(factory.user("Administrator"))
    acme, north = factory.company(name="Acme"), factory.company(name="North")
    first_aid = factory.certification(name="First Aid")
    secret = factory.certification(name="Secret")
    secret.hidden_from_levels = [factory.levels["Administrator"]]
    factory.role(first_aid, secret, name="Welder", companies=[acme])
    factory.role(name="Rigger", companies=[north])
    factory.role(name="Trainee")
    exported = client.get("/data/assignments/export.csv").get_data(as_text=True)
    assert exported.splitlines() == ["\ufeffRole,Company,Certification", "Welder,Acme,First Aid", "Rigger,North,",
                                     "Trainee,,"]
    before = grid() - {("Welder", "Acme", "Secret")}
    for role in db.session.scalars(select(CertificationRole)):
        db.session.delete(role)
    db.session.commit()
    upload(client, csrf, exported, kind="assignments")
    job, _ = confirm(client, csrf)
    assert job.state == "imported" and grid() == before
    workbook = client.get("/data/assignments/export.xlsx")
    assert workbook.status_code == 200 and workbook.data.startswith(b"PK\x03\x04")


def test_the_assignments_need_the_permission_to_manage_roles(client, factory, sign_in):
    sign_in(factory.user("Supervisor"))
    assert client.get("/data/assignments/export.csv").status_code == 403
