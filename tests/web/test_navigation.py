"""The header menu: an administrator's setup pages share one Admin disclosure, in a fixed order, each a
real link; a group with one visible entry is that entry; people without them see no group."""
import re

from webapp.extensions import db
from webapp.models import ModuleLevel
from webapp.permissions import Permission

ADMIN_PAGES = ["Certifications", "Activities", "Roles", "Companies", "Assets, Clients and Job Locations",
               "Import and Export", "Settings", "Sent mail", "Audit trail"]


def _nav(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page[page.index('<nav aria-label="Main">'):page.index("</nav>")]


def _group(nav: str) -> str:
    return nav[nav.index('<li class="nav-group">'):nav.index("</details>")]


def test_the_administrators_setup_pages_are_links_inside_one_admin_disclosure(client, factory, sign_in):
    sign_in(factory.user("Administrator"))
    nav = _nav(client)
    assert nav.count('class="nav-group"') == 1
    group = _group(nav)
    assert "<summary>Admin" in group
    assert re.findall(r">([^<>]+)</a>", group) == ADMIN_PAGES
    top = nav.replace(group, "")
    assert re.findall(r">([^<>]+)</a>", top) == ["Home", "My Certifications", "My QR Code", "Submissions", "People",
                                                 "Matrix", "Reports"]
    assert 'href="/audit/"' in group and "style=" not in nav and not re.search(r"\son\w+=", nav)


def test_the_group_tells_when_the_page_is_one_of_its_own(client, factory, sign_in):
    sign_in(factory.user("Administrator"))
    page = client.get("/roles/").get_data(as_text=True)
    assert "<summary data-current>Admin" in page and '<a href="/roles/" aria-current="page">Roles</a>' in page
    assert "data-current" not in _nav(client)


def test_a_group_with_one_entry_shows_that_entry_and_others_see_no_group(client, factory, sign_in):
    auditor = factory.user()
    level = ModuleLevel(name="Auditor")
    level.permissions = {Permission.VIEW_AUDIT_LOG}
    auditor.module_levels = [*auditor.module_levels, level]
    db.session.commit()
    sign_in(auditor)
    nav = _nav(client)
    assert "nav-group" not in nav and '<a href="/audit/">Audit trail</a>' in nav
    for levels in (("Supervisor",), ("Employee",)):
        sign_in(factory.user(*levels))
        assert "nav-group" not in _nav(client)
