"""The README as a new user follows it: the tour runs as written on the demo data, and every
setting is documented."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from graphql import OperationDefinitionNode, parse

from backstock.demo import load_demo_data
from backstock.settings import Settings
from tests.api import Api

README = (Path(__file__).parent.parent / "README.md").read_text()


def tour() -> list[str]:
    section = README.split("## A 60-second tour", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```graphql\n(.*?)```", section, flags=re.DOTALL)


def shown_answers() -> dict[str, str]:
    """The answers the tour shows, by the block they follow (a ```json block right after it)."""
    section = README.split("## A 60-second tour", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"```graphql\n(.*?)```\n```json\n(.*?)```", section, flags=re.DOTALL))


def test_each_block_is_one_operation_graphiql_can_run() -> None:
    blocks = tour()
    assert len(blocks) >= 4
    for block in blocks:
        operations = [d for d in parse(block).definitions if isinstance(d, OperationDefinitionNode)]
        assert len(operations) == 1, block


async def test_the_tour_works_as_written_on_the_demo_data(api: Api) -> None:
    await load_demo_data()
    answers = [await api.data(block) for block in tour()]
    release = (datetime.now(UTC).date() + timedelta(days=14)).isoformat()
    shown = shown_answers()
    assert len(shown) >= 4  # the pre-order, its checkout, the alternatives, a refused line's alternatives
    for block, answer in zip(tour(), answers, strict=True):
        if block in shown:
            assert answer == json.loads(shown[block].replace("<release date>", release)), block
    [placed] = [a["checkout"] for a in answers if "checkout" in a]
    assert placed["__typename"] == "Order"
    assert (placed["lines"][0]["quantityReadyToShip"], placed["lines"][0]["quantityBackordered"]) == (25, 5)
    assert placed["lines"][0]["expectedShipDate"] == (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
    [before] = [a["product"] for a in answers if "product" in a]
    [after] = [a["updateStockSettings"] for a in answers if "updateStockSettings" in a]
    assert before["stockStatus"] != after["stockStatus"]
    assert before["backorderMessage"] is None
    assert after["backorderMessage"]
    [launch] = [a["launch"] for a in answers if "launch" in a]
    assert launch == {
        "stockStatus": "PRE_ORDER",
        "salableQuantity": 25,
        "backorderMessage": f"Pre-order: ships from {release}.",
        "preorder": {"releaseDate": release, "maxQuantity": 25},
    }
    [restock] = [a["adjustStock"] for a in answers if "adjustStock" in a]
    assert restock["backorderedQuantity"] == 0
    [alert] = [a["subscribeToStockAlert"] for a in answers if "subscribeToStockAlert" in a]
    assert alert["status"] == "ACTIVE"
    [mug] = [a["mug"] for a in answers if "mug" in a]
    assert (mug["isSalable"], [p["sku"] for p in mug["alternatives"]]) == (False, ["MUG-STONEWARE", "KETTLE-GOOSENECK"])
    sent = [m["subject"] for m in (await api.data("{ outboxMessages { subject } }"))["outboxMessages"]]
    assert "Enamel Camp Mug is back in stock" in sent


def test_every_setting_is_in_the_readme() -> None:
    missing = [name for name in Settings.model_fields if f"`BACKSTOCK_{name.upper()}`" not in README]
    assert not missing


def test_links_work_in_a_clone() -> None:
    assert "../shared" not in README
    for doc in ("docs/architecture.md", "docs/stock-rules.md", "docs/operating.md"):
        assert f"]({doc})" in README
