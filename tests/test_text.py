"""Showing mail text in a page: addresses on this site become links to the site as the reader reached it."""
from webapp.text import split_site_links

BASE = "http://127.0.0.1:5000"
HERE = "https://certs.example.org/"


def test_site_addresses_become_links_to_where_the_reader_is():
    text = f"Your certifications:\n{BASE}/my/certifications.\nThanks"
    assert split_site_links(text, (BASE,), HERE) == [
        ("Your certifications:\n", None),
        ("https://certs.example.org/my/certifications", "https://certs.example.org/my/certifications"),
        (".\nThanks", None),
    ]


def test_addresses_elsewhere_and_look_alike_hosts_stay_words():
    text = f"See https://evil.example/{BASE} and {BASE}.evil.example/x and {BASE}"
    assert split_site_links(text, (BASE, "http://localhost/"), HERE) == [
        (f"See https://evil.example/{BASE} and {BASE}.evil.example/x and ", None),
        ("https://certs.example.org", "https://certs.example.org"),
    ]


def test_text_without_addresses_is_one_piece():
    assert split_site_links("Hello", (BASE,), HERE) == [("Hello", None)]
    assert split_site_links("", (BASE,), HERE) == []
