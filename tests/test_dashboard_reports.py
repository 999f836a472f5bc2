"""The dashboard's report sections and their CSV links over HTTP (DESIGN.md 7.4 "Dashboard", "Exports"):
each report's first 20 rows, a link to its full CSV, and links that download with the session cookie
the login form gives, as they do in a browser."""

from __future__ import annotations

import csv
import io
import re

import httpx

from backstock.demo import load_demo_data
from backstock.web import session
from backstock.web.sections import SECTION_ROWS
from harness.graphql import ADMIN_TOKEN
from tests.api import Api
from tests.test_dashboard import _Page
from tests.test_keys_api import create_key

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
TITLES = ["Outstanding backorders", "Low stock", "Demand, last 30 days"]
LINKS = ["/reports/backorders.csv", "/reports/low-stock.csv", "/reports/demand.csv"]
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { revoked } }"


def sections(html: str) -> dict[str, _Page]:
    """Each report section of the page, parsed on its own, by its heading."""
    found = {}
    for chunk in re.findall(r'<section class="card report">.*?</section>', html, flags=re.DOTALL):
        page = _Page(chunk)
        found[page.headings[0]] = page
    return found


def rows_of(page: _Page, width: int) -> list[list[str]]:
    return [page.cells[start : start + width] for start in range(0, len(page.cells), width)]


async def log_in(api: Api, key: str = ADMIN_TOKEN) -> None:
    """The login form, as a browser posts it: the client's jar keeps the cookie."""
    response = await api.client.post("/dashboard/login", data={"key": key})
    assert response.status_code == 303
    assert session.COOKIE in api.client.cookies


def csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.text)))


async def test_each_report_shows_its_first_rows_and_links_its_csv(api: Api) -> None:
    await api.data("mutation { updateInventoryConfig(input: {notifyForQuantityBelow: 2}) { backorders } }")
    for index in range(SECTION_ROWS + 1):
        await api.create_product(f"WAIT-{index:02d}", quantity=0, backorders=NOTIFY)
        await api.checkout((f"WAIT-{index:02d}", 1 + index % 3))
    await api.create_product("FEW", quantity=2)
    await api.create_product("PLENTY", quantity=50)

    response = await api.client.get("/dashboard", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})

    assert response.status_code == 200
    page = _Page(response.text)
    assert page.headings[-3:] == TITLES
    assert [link for link in page.links if link.startswith("/reports/")] == LINKS
    found = sections(response.text)
    backorders = rows_of(found[TITLES[0]], 7)
    assert len(backorders) == SECTION_ROWS
    assert [row[:3] for row in backorders[:2]] == [["WAIT-02", "3", "1"], ["WAIT-05", "3", "1"]]
    assert all(row[5] == "—" and row[6] == row[1] for row in backorders)
    assert f"First {SECTION_ROWS} of {SECTION_ROWS + 1}; the CSV has them all." in response.text
    low = rows_of(found[TITLES[1]], 3)
    assert low[:3] == [["WAIT-02", "-3", "2"], ["WAIT-05", "-3", "2"], ["WAIT-08", "-3", "2"]]
    assert len(low) == SECTION_ROWS and low[-1] == ["WAIT-15", "-1", "2"]
    assert f"First {SECTION_ROWS} of {SECTION_ROWS + 2}; the CSV has them all." in response.text  # FEW, not PLENTY
    demand = rows_of(found[TITLES[2]], 7)
    # WAIT-02: 3 sold in 30 days (0.10 a day), 3 waiting, none free: reorder the 3 waiting units.
    assert demand[0] == ["WAIT-02", "3", "0.10", "3", "0", "0.0", "3"]


async def test_the_csv_links_download_with_the_dashboard_session_cookie(api: Api) -> None:
    await api.create_product("MUG", quantity=0, backorders=NOTIFY)
    await api.checkout(("MUG", 2))
    key = await create_key(api, "ADMIN", name="office")
    await log_in(api, key["secret"])

    page = _Page((await api.client.get("/dashboard")).text)
    for link in LINKS:
        assert link in page.links
        found = csv_rows(await api.client.get(link))
        assert found[0][0] == "sku" and found[1][0] == "MUG", link

    value = api.client.cookies[session.COOKIE]
    api.client.cookies.clear()
    forged = f"{value[:-1]}{'0' if value[-1] != '0' else '1'}"
    for cookie in (forged, "token.1.x"):
        response = await api.client.get(LINKS[0], headers={"Cookie": f"{session.COOKIE}={cookie}"})
        assert response.status_code == 401
    await api.data(REVOKE, {"id": key["apiKey"]["id"]})
    response = await api.client.get(LINKS[0], headers={"Cookie": f"{session.COOKIE}={value}"})
    assert response.status_code == 401


async def test_with_the_demo_data_the_dashboard_shows_its_backorders_a_chart_and_csv_links_that_download(
    api: Api,
) -> None:
    """The issue's "Done when", as a new user meets it after `make run`: log in, look, download."""
    await load_demo_data()
    await log_in(api)

    response = await api.client.get("/dashboard")

    assert response.status_code == 200
    backorders = rows_of(sections(response.text)[TITLES[0]], 7)
    assert [row[0] for row in backorders] == ["LAMP-DESK"]
    assert int(backorders[0][1]) > 0
    bars = re.findall(r"<title>\d{4}-\d\d-\d\d: (\d+) units (?:still waiting|ordered)</title>", response.text)
    assert len(bars) == 60 and any(int(units) for units in bars)
    assert '<svg viewBox="0 0' in response.text
    downloads = {
        link: csv_rows(await api.client.get(link)) for link in _Page(response.text).links if "/reports/" in link
    }
    assert list(downloads) == LINKS
    assert [row[0] for row in downloads[LINKS[0]][1:]] == ["LAMP-DESK"]
    assert all(len(rows) > 1 for rows in downloads.values())
