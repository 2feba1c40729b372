"""A push reminder on the phone: notifications allowed, the service worker shows a pushed notice and a
tap opens its page. The push is synthetic (Chromium's DevTools deliver it to the service worker), since a
headless browser has no push service of its own; tests/web/test_push.py sends real encrypted pushes."""
import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = (360, 780)


def test_a_pushed_notice_is_shown_and_a_tap_opens_its_page(signed_in_page, factory, live_server):
    worker = factory.user(first_name="Wanda", last_name="Worker")
    crane = factory.yearly_certification(name="Crane")
    factory.require(worker, crane)
    page = signed_in_page(worker, viewport=PHONE)
    page.context.grant_permissions(["notifications"])
    page.goto("/my/profile")
    expect(page.get_by_role("button", name="Turn on notifications on this device")).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the service worker
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    registrations = []
    cdp = page.context.new_cdp_session(page)
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):  # DevTools reports the registrations soon after enable
        if any(not r["isDeleted"] for r in registrations):
            break
        page.wait_for_timeout(100)
    registration = next(r for r in registrations if not r["isDeleted"])
    url = f"{live_server}/my/certifications/{crane.id}"
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server + "/", "registrationId": registration["registrationId"],
        "data": json.dumps({"title": "Crane expires 07/01/2026", "body": "Renew it before it expires.",
                            "url": url, "tag": f"first_notice-{worker.id}-{crane.id}"}),
    })
    shown = "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list => list.map(n => [n.title, n.body, n.tag, n.data.url]))"
    for _ in range(50):
        notifications = page.evaluate(shown)
        if notifications:
            break
        page.wait_for_timeout(100)
    assert notifications == [["Crane expires 07/01/2026", "Renew it before it expires.",
                              f"first_notice-{worker.id}-{crane.id}", url]]

    # A tap: the worker's own notificationclick handler, given a notification as shown (headless
    # Chromium may already have closed the real one: it has no notification centre to keep it in).
    page.context.service_workers[0].evaluate("""async (url) => {
        const [shown] = await self.registration.getNotifications();
        const tap = new Event("notificationclick");
        const waits = [];
        tap.notification = shown || { data: { url }, close() {} };
        tap.waitUntil = (promise) => waits.push(promise);
        self.dispatchEvent(tap);
        await Promise.all(waits);
    }""", url)
    page.wait_for_url(url)
    expect(page.get_by_role("heading", name="Crane")).to_be_visible()
