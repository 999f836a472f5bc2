"""Report CSV exports from the admin HTTP endpoints and `backstock export-report` (DESIGN.md 7.4)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from backstock.resolvers.reports import export
from backstock.settings import Settings
from harness.graphql import ADMIN_TOKEN
from tests.api import Api
from tests.test_csv_cli import cli

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def waiting(api: Api, *units: tuple[str, int]) -> None:
    for sku, quantity in units:
        await api.create_product(sku, quantity=0, backorders=NOTIFY)
        await api.checkout((sku, quantity))


async def test_every_row_streams_in_pages_with_the_graphql_field_names(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE", 2)
    await waiting(api, ("MUG", 3), ("CUP", 1), ("BAG", 2), ("HAT", 2), ("TEE", 5))
    response = await api.client.get("/reports/backorders.csv", headers=ADMIN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    found = rows(response.text)
    assert found[0] == [
        "sku",
        "backorderedQuantity",
        "openOrders",
        "oldestOrderAt",
        "incomingQuantity",
        "nextRestockDate",
        "uncoveredQuantity",
    ]
    assert [(row[0], row[1], row[2], row[6]) for row in found[1:]] == [
        ("TEE", "5", "1", "5"),
        ("MUG", "3", "1", "3"),
        ("BAG", "2", "1", "2"),
        ("HAT", "2", "1", "2"),
        ("CUP", "1", "1", "1"),
    ]
    assert all(row[3] and row[5] == "" for row in found[1:])


async def test_demand_takes_days_and_low_stock_lists_is_low_stock(api: Api) -> None:
    await waiting(api, ("MUG", 3))
    demand = await api.client.get("/reports/demand.csv?days=6", headers=ADMIN)
    assert rows(demand.text) == [
        [
            "sku",
            "soldQuantity",
            "dailyVelocity",
            "backorderedQuantity",
            "stockAlertSubscribers",
            "daysOfCover",
            "suggestedReorderQuantity",
        ],
        ["MUG", "3", "0.5", "3", "0", "0.0", "3"],
    ]
    low = await api.client.get("/reports/low-stock.csv", headers=ADMIN)
    assert rows(low.text) == [["sku", "freeQuantity", "notifyForQuantityBelow"], ["MUG", "-3", "1"]]


async def test_the_endpoints_need_an_admin_key_and_a_valid_days(api: Api) -> None:
    created = await api.data('mutation { createApiKey(name: "shop", role: STOREFRONT) { secret } }')
    storefront = {"Authorization": f"Bearer {created['createApiKey']['secret']}"}
    for name in ("backorders", "low-stock", "demand"):
        assert (await api.client.get(f"/reports/{name}.csv")).status_code == 401
        assert (await api.client.get(f"/reports/{name}.csv", headers=storefront)).status_code == 403
    for days in ("0", "366", "x", "-1"):
        response = await api.client.get(f"/reports/demand.csv?days={days}", headers=ADMIN)
        assert (response.status_code, "days" in response.text) == (400, True)
    for days in ("1", "365"):
        response = await api.client.get(f"/reports/demand.csv?days={days}", headers=ADMIN)
        assert (response.status_code, response.headers["content-type"]) == (200, "text/csv; charset=utf-8")


async def test_the_cli_writes_the_same_csv_to_stdout_or_a_file(api: Api, settings: Settings, tmp_path: Path) -> None:
    await waiting(api, ("MUG", 2))
    for name, window in (("demand", ["--days", "7"]), ("low-stock", []), ("backorders", [])):
        query = "?days=7" if window else ""
        over_http = (await api.client.get(f"/reports/{name}.csv{query}", headers=ADMIN)).text
        status, out, err = await cli("export-report", name, *window, database_url=settings.database_url)
        assert (status, err) == (0, "")
        assert out == over_http and rows(out)[1][0] == "MUG", name
    file = tmp_path / "backorders.csv"
    status, out, _ = await cli("export-report", "backorders", "--output", str(file), database_url=settings.database_url)
    assert (status, out) == (0, "")
    assert rows(file.read_text())[1][:2] == ["MUG", "2"]
    for refused in ("0", "366"):
        status, _, err = await cli("export-report", "demand", "--days", refused, database_url=settings.database_url)
        assert (status, err.strip()) == (
            2,
            f"backstock: export-report: --days must be between 1 and 365, got {refused}",
        )
