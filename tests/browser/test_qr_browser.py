"""An inspector's phone opens a worker's QR report from the URL inside the generated QR code."""
import base64
from datetime import date

import pytest

from webapp.services.qr_codes import qr_svg_data_uri

pytestmark = pytest.mark.browser


def test_phone_opens_report_from_qr_image(app, factory, signed_in_page, new_page, live_server, frozen_clock):
    company = factory.company(name="Acme Field")
    worker = factory.user(company=company, first_name="Wanda", last_name="Worker")
    first_aid = factory.yearly_certification(name="First Aid")
    factory.assign(worker, factory.role(first_aid, companies=[company], name="Rigger"))
    factory.record(worker, first_aid, date(2026, 1, 10))

    page = signed_in_page(worker, viewport=(390, 844))
    page.goto(f"/qr/{worker.id}")
    src = page.get_by_role("img", name="QR code for the Roles and Certifications Report of Wanda Worker").get_attribute("src")
    # The image is exactly segno's code for the report's address on the configured site (no decoder is
    # installed to read it back); the inspector's phone opens that address, here served by the test server.
    report_path = f"/r/{worker.qr_token}"
    assert src == qr_svg_data_uri(app.config["BASE_URL"] + report_path)
    svg = base64.b64decode(src.split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and "style=" not in svg

    inspector = new_page(viewport=(390, 844))
    inspector.goto(live_server + report_path)
    assert inspector.get_by_role("heading", name="Wanda Worker").is_visible()
    assert inspector.get_by_text("Rigger").is_visible()
    assert inspector.get_by_role("heading", name="First Aid").is_visible()
    assert inspector.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
