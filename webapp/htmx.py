"""One place decides whether a view answers with a whole page or an htmx fragment."""
from flask import Flask, make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """True for any request htmx sent, boosted ones included: htmx follows an HX-Redirect."""
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page.

    Boosted links and history restores need the whole page, so they get it.
    """
    return (
        is_htmx()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, block: str = "content", status: int = 200, *, fragment_only: bool = False, **context):
    """Render the page, or just `block` of it for an htmx request.

    `fragment_only`: the view serves only that block (a live preview), whoever asks; the whole
    page would need context the view does not load.
    """
    if fragment_only or wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def init_htmx(app: Flask) -> None:
    @app.after_request
    def vary_on_htmx(response):
        # Every HTML answer may differ for htmx, so no cache may mix the two.
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
        return response
