"""The dashboard at /dashboard over HTTP (DESIGN.md 7.4 "Dashboard"): who may open it, the login
form and its session cookie, and what the page shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from backstock.models import ApiKeyRole, Order, OutboxMessage, OutboxStatus
from backstock.resolvers.keys import Access
from backstock.resolvers.overview import INCOMING_ROWS
from backstock.settings import Settings
from backstock.web import dashboard, session
from backstock.web.charts import bar_chart
from backstock.web.sections import ReportSection
from harness.graphql import ADMIN_TOKEN
from tests.api import Api
from tests.test_keys_api import create_key
from tests.test_purchasing_api import SUPPLIER, act, create

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { revoked } }"
HOSTILE = "<script>alert(1)</script>"


class _Page(HTMLParser):
    """The page's headings, forms and table cells, as a browser reads them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.forms: list[dict[str, str | None]] = []
        self.inputs: list[dict[str, str | None]] = []
        self.cells: list[str] = []
        self.links: list[str] = []
        self.scripts = 0
        self._text: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag == "form":
            self.forms.append(dict(attrs))
        if tag == "input":
            self.inputs.append(dict(attrs))
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        if tag in ("h1", "h2", "td", "dd"):
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._text is None:
            return
        text = "".join(self._text).strip()
        if tag in ("h1", "h2"):
            self.headings.append(text)
        elif tag in ("td", "dd"):
            self.cells.append(text)
        self._text = None


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def open_dashboard(api: Api, token: str | None = ADMIN_TOKEN) -> httpx.Response:
    return await api.client.get("/dashboard", headers=bearer(token) if token else {})


def assert_login_form(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    page = _Page(response.text)
    assert message in response.text
    assert page.forms == [{"method": "post", "action": "/dashboard/login"}]
    assert {"id": "key", "name": "key", "type": "password", "autocomplete": "current-password", "required": None} in (
        page.inputs
    )
    assert "Outbox" not in page.headings


async def test_without_a_key_the_dashboard_answers_401_with_the_login_form(api: Api) -> None:
    response = await open_dashboard(api, token=None)
    assert_login_form(response, 401, dashboard.ASK_FOR_KEY)
    assert response.headers["www-authenticate"] == 'Bearer realm="backstock"'
    assert_login_form(await open_dashboard(api, token="bsk_0123456789abcdef_forged"), 401, dashboard.UNKNOWN_KEY)


async def test_a_storefront_key_is_forbidden_and_admin_keys_open_it(api: Api) -> None:
    storefront = await create_key(api, "STOREFRONT")
    assert_login_form(await open_dashboard(api, storefront["secret"]), 403, dashboard.NOT_ADMIN)

    admin = await create_key(api, "ADMIN", name="office")
    for token in (ADMIN_TOKEN, admin["secret"]):
        response = await open_dashboard(api, token)
        assert response.status_code == 200
        assert "Outbox" in _Page(response.text).headings


async def test_the_login_form_trades_the_key_for_a_session_cookie_until_logout(api: Api) -> None:
    response = await api.client.post("/dashboard/login", data={"key": ADMIN_TOKEN})
    assert (response.status_code, response.headers["location"]) == (303, "/dashboard")
    cookie = response.headers["set-cookie"]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    assert "secure" not in attributes  # plain http here; https requests get Secure
    value = response.cookies[session.COOKIE]
    assert ADMIN_TOKEN not in value

    page = await api.client.get("/dashboard")  # the client's jar sends the cookie
    assert page.status_code == 200
    assert {"method": "post", "action": "/dashboard/logout"} in _Page(page.text).forms

    out = await api.client.post("/dashboard/logout")
    assert (out.status_code, out.headers["location"]) == (303, "/dashboard")
    assert session.COOKIE not in api.client.cookies
    assert_login_form(await api.client.get("/dashboard"), 401, dashboard.ASK_FOR_KEY)


async def test_over_https_the_session_cookie_is_secure(app: Starlette, db: None) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://backstock.test") as client:
        response = await client.post("/dashboard/login", data={"key": ADMIN_TOKEN})
    assert response.status_code == 303
    assert "secure" in {part.strip().lower() for part in response.headers["set-cookie"].split(";")}


@pytest.mark.parametrize(
    ("key", "status", "message"),
    [("", 401, dashboard.ASK_FOR_KEY), ("wrong-token", 401, dashboard.UNKNOWN_KEY), (None, 403, dashboard.NOT_ADMIN)],
)
async def test_a_refused_login_sets_no_cookie(api: Api, key: str | None, status: int, message: str) -> None:
    key = key if key is not None else (await create_key(api, "STOREFRONT"))["secret"]
    response = await api.client.post("/dashboard/login", data={"key": key})
    assert_login_form(response, status, message)
    assert "set-cookie" not in response.headers


async def test_a_session_ends_with_its_key_and_cannot_be_forged(api: Api) -> None:
    key = await create_key(api, "ADMIN", name="office")
    login = await api.client.post("/dashboard/login", data={"key": key["secret"]})
    value = login.cookies[session.COOKIE]
    assert key["secret"] not in value
    assert (await api.client.get("/dashboard")).status_code == 200

    subject, expires, mac = value.split(".")
    api.client.cookies.clear()
    for forged in (
        f"token.{expires}.{mac}",  # another subject under the same signature
        f"{subject}.{int(expires) + 3600}.{mac}",  # a longer life
        session.issue(api.settings, Access(ApiKeyRole.ADMIN, key_id=int(key["apiKey"]["id"])), now=0),  # expired
        "token",
    ):
        response = await api.client.get("/dashboard", headers={"Cookie": f"{session.COOKIE}={forged}"})
        assert response.status_code == 401, forged

    await api.data(REVOKE, {"id": key["apiKey"]["id"]})
    assert (await api.client.get("/dashboard", headers={"Cookie": f"{session.COOKIE}={value}"})).status_code == 401


async def test_the_admin_token_session_ends_when_the_token_changes(api: Api) -> None:
    value = session.issue(api.settings, Access(ApiKeyRole.ADMIN))
    assert await session.resume(api.settings, value) is not None
    rotated = api.settings.model_copy(update={"admin_token": SecretStr("another-admin-token-1")})
    assert await session.resume(rotated, value) is None


async def test_the_page_shows_outbox_health_incoming_purchase_orders_and_charts(api: Api) -> None:
    await api.create_product("MUG", quantity=1, backorders=NOTIFY)
    await api.create_product("JUG", quantity=0, backorders=NOTIFY)
    order = await api.checkout(("MUG", 3), ("JUG", 2))  # 2 + 2 units backordered, 5 ordered
    await api.data(SUPPLIER, {"input": {"code": "ACME", "name": f"Acme {HOSTILE}", "email": "po@acme.example"}})
    await create(api, "PO-1", supplier="ACME", lines=[{"sku": "MUG", "quantity": 10}, {"sku": "JUG", "quantity": 4}])
    await act(api, "submitPurchaseOrder", "PO-1")
    await create(api, "PO-2")  # a draft: not incoming

    await OutboxMessage.all().update(created_at=datetime.now(UTC) - timedelta(hours=2, minutes=5))
    pending = await OutboxMessage.filter(status=OutboxStatus.PENDING).count()
    failed = await OutboxMessage.first()
    assert failed is not None and pending >= 2
    await OutboxMessage.filter(id=failed.id).update(status=OutboxStatus.FAILED)
    # An order of yesterday, so the charts have two days.
    yesterday = await api.checkout(("MUG", 1))
    await Order.filter(number=yesterday["number"]).update(created_at=datetime.now(UTC) - timedelta(days=1))

    response = await open_dashboard(api)
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    page = _Page(response.text)
    assert page.headings[:4] == ["Outbox", "Backorders", "Demand", "Incoming purchase orders"]
    assert page.scripts == 0
    figures = page.cells[:3]
    assert figures[0] == str(await OutboxMessage.filter(status=OutboxStatus.PENDING).count())
    assert figures[1] == "1"
    assert figures[2] == "2 h 5 min"

    incoming = page.cells[3:8]
    assert incoming == ["PO-1", f"Acme {HOSTILE}", "default", "2030-01-10", "14"]
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert HOSTILE not in response.text

    bars = re.findall(r"<title>(\d{4}-\d\d-\d\d): (\d+) (units still waiting|units ordered)</title>", response.text)
    today, day_before = datetime.now(UTC).date(), datetime.now(UTC).date() - timedelta(days=1)
    assert len(bars) == 60
    by_day = {(day, unit): int(value) for day, value, unit in bars}
    assert by_day[(today.isoformat(), "units still waiting")] == 4
    assert by_day[(today.isoformat(), "units ordered")] == 5
    assert by_day[(day_before.isoformat(), "units still waiting")] == 1
    assert by_day[(day_before.isoformat(), "units ordered")] == 1
    assert sum(by_day.values()) == 11
    assert order["hasBackorders"]


async def test_the_incoming_section_shows_the_20_purchase_orders_expected_soonest(api: Api) -> None:
    await api.create_product("MUG")
    for index in range(INCOMING_ROWS + 1):
        number = f"PO-{index:02d}"
        await create(api, number, expectedDate=f"2030-02-{28 - index:02d}")
        await act(api, "submitPurchaseOrder", number)
    await create(api, "PO-DRAFT", expectedDate="2030-01-01")

    response = await open_dashboard(api)

    incoming = re.search(r'<section class="card incoming".*?</section>', response.text, flags=re.DOTALL)
    assert incoming is not None
    cells = _Page(incoming.group(0)).cells
    numbers = [cells[start] for start in range(0, len(cells), 5)]
    assert numbers == [f"PO-{index:02d}" for index in range(INCOMING_ROWS, 0, -1)]
    assert f"The {INCOMING_ROWS} expected soonest of {INCOMING_ROWS + 1}." in incoming.group(0)


async def test_report_sections_show_escaped_rows_and_their_csv_link(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seam the reports plug into: any section renders as a table with its CSV link."""
    section = ReportSection(
        title="Backorders",
        columns=["sku", "name", "quantityWaiting"],
        rows=[["MUG", HOSTILE, 3], ["JUG", "Jug & lid", None]],
        csv_url="/reports/backorders.csv",
        total=45,
    )

    async def sections(settings: Settings) -> list[ReportSection]:
        return [section]

    monkeypatch.setattr(dashboard, "report_sections", sections)
    response = await open_dashboard(api)
    page = _Page(response.text)
    assert page.headings[-1] == "Backorders"
    assert page.cells[-6:] == ["MUG", HOSTILE, "3", "JUG", "Jug & lid", "—"]
    assert HOSTILE not in response.text
    assert '<a class="button" href="/reports/backorders.csv" download>CSV</a>' in response.text
    assert "First 2 of 45" in response.text


async def test_the_stylesheet_is_served_by_the_package(api: Api) -> None:
    for path, kind in (("dashboard.css", "text/css"), ("favicon.svg", "image/svg+xml")):
        response = await api.client.get(f"/dashboard/static/{path}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(kind)
    assert "@media (max-width: 600px)" in (await api.client.get("/dashboard/static/dashboard.css")).text


def test_bars_scale_to_the_busiest_day_and_stay_inside_the_picture() -> None:
    first = datetime(2026, 11, 1, tzinfo=UTC).date()
    chart = bar_chart(
        "Demand", "units ordered", [(first + timedelta(days=n), units) for n, units in enumerate([0, 5, 10])]
    )
    plot = chart.baseline - chart.top
    assert [bar.height for bar in chart.bars] == [0, plot / 2, plot]
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)
    assert all(chart.left <= bar.x and bar.x + bar.width <= chart.width for bar in chart.bars)
    assert [(tick.label, tick.anchor) for tick in chart.ticks] == [
        ("Nov 01", "start"),
        ("Nov 02", "middle"),
        ("Nov 03", "end"),
    ]
    assert (chart.peak, chart.total) == (10, 15)
    assert [bar.height for bar in bar_chart("Backorders", "units", [(first, 0)]).bars] == [0]


@pytest.mark.parametrize(
    ("span", "shown"),
    [
        (timedelta(seconds=59), "<1 min"),
        (timedelta(minutes=5), "5 min"),
        (timedelta(hours=2, minutes=5), "2 h 5 min"),
        (timedelta(days=3, hours=4, minutes=9), "3 d 4 h"),
    ],
)
def test_ages_read_at_a_glance(span: timedelta, shown: str) -> None:
    assert dashboard.age(span) == shown
