"""Assets, clients and job locations in the matrix and on the Reports page: the Type filter (decision 75)."""
from datetime import date

import pytest


@pytest.fixture
def cranes(factory, frozen_clock):
    """Two assets with an inspection each: one due (expires 07/01/2026), one nothing on file."""
    inspection = factory.yearly_certification(name="Crane Inspection", type="asset")
    factory.yearly_certification(name="First Aid")  # an employee certification: never an asset column
    owner = factory.user("Supervisor", username="sam")
    tower = factory.entity("asset", name="Tower Crane", identifier="TC-01", owner=owner)
    mobile = factory.entity("asset", name="Mobile Crane", identifier="MC-02")
    factory.entity_record(factory.associate(tower, inspection), date(2025, 7, 1))
    factory.associate(mobile, inspection)
    return inspection, tower, mobile, owner


def test_the_matrix_shows_assets_by_their_certifications(client, factory, sign_in, cranes):
    inspection, tower, mobile, _ = cranes
    sign_in(factory.user("Administrator"))
    page = client.get("/reports/matrix?type=asset").get_data(as_text=True)
    assert '<th scope="col" class="matrix-corner">Asset</th>' in page
    assert "Crane Inspection" in page and "First Aid" not in page
    assert f'href="/assets/{tower.id}">Tower Crane</a>' in page
    assert "Tower Crane, Crane Inspection: Due" in page and "Mobile Crane, Crane Inspection: Nothing on File" in page
    expanded = client.get("/reports/matrix?type=asset&view=expanded").get_data(as_text=True)
    assert "07/01/2026" in expanded
    only_due = client.get("/reports/matrix?type=asset&status=due").get_data(as_text=True)
    assert "Tower Crane" in only_due and "Mobile Crane" not in only_due
    people = client.get("/reports/matrix").get_data(as_text=True)
    assert "First Aid" in people and "Crane Inspection" not in people


def test_the_reports_page_lists_assets_statuses(client, factory, sign_in, cranes):
    inspection, tower, mobile, _ = cranes
    sign_in(factory.user("Administrator"))
    page = client.get("/reports/?type=asset").get_data(as_text=True)
    assert "2 requirements shown for assets 1 to 2 of 2." in page
    row = page[page.index("Tower Crane"):]
    assert "TC-01" in row[:row.index("</tr>")] and "Due" in row[:row.index("</tr>")]
    lapsed = client.get("/reports/?type=asset&status=lapsed").get_data(as_text=True)
    assert "Mobile Crane" in lapsed and "Tower Crane</a>" not in lapsed
    assert "Export filtered" not in page  # the page's own CSV is about people


def test_who_does_not_manage_certifications_sees_only_their_own_entities(client, sign_in, cranes):
    _, tower, mobile, owner = cranes
    sign_in(owner)
    page = client.get("/reports/?type=asset").get_data(as_text=True)
    assert "Tower Crane" in page and "Mobile Crane" not in page
    matrix = client.get("/reports/matrix?type=asset").get_data(as_text=True)
    assert "Tower Crane" in matrix and "Mobile Crane" not in matrix


def test_an_unknown_type_is_employees(client, factory, sign_in, cranes):
    sign_in(factory.user("Administrator"))
    for url in ("/reports/?type=ship", "/reports/matrix?type=ship"):
        response = client.get(url)
        assert response.status_code == 200 and "Tower Crane" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/reports/?type=client", "/reports/matrix?type=client"])
def test_entity_rows_load_in_a_fixed_number_of_queries(client, factory, sign_in, frozen_clock, count_queries, url):
    sign_in(factory.user("Administrator"))
    licence = factory.yearly_certification(name="Client Licence", type="client")

    def add(n):
        for _ in range(n):
            factory.entity_record(factory.associate(factory.entity("client"), licence), date(2026, 1, 1))

    def queries():
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    add(2)
    two = queries()
    add(10)
    assert queries() == two
