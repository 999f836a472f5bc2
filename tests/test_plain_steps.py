"""A plain list's leaf values answer as graphql-core's serializers answer them, on the one-call path and off it."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry

from backstock.schema.execution import PlainFieldExecutor


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Cell:
    """Each field typed as the schema says, holding whatever a resolver might hand back."""

    count: int | None
    label: str | None
    flag: bool | None
    colour: Colour | None


# Values each serializer returns as they are (the one-call path), and values it converts or refuses.
CELLS = [
    Cell(count=7, label="x", flag=True, colour=Colour.RED),
    Cell(count=None, label=None, flag=None, colour=None),
    Cell(count=True, label=5, flag=1, colour="blue"),  # type: ignore[arg-type]
    Cell(count=3.0, label=False, flag=0.0, colour=Colour.BLUE),  # type: ignore[arg-type]
    Cell(count=2**31 - 1, label="ü", flag=False, colour=Colour.RED),
    Cell(count=-(2**31), label="", flag=True, colour=Colour.BLUE),
]
REFUSED = [
    Cell(count=2**31, label="x", flag=True, colour=Colour.RED),
    Cell(count=-(2**31) - 1, label="x", flag=True, colour=Colour.RED),
    Cell(count=2.5, label="x", flag=True, colour=Colour.RED),  # type: ignore[arg-type]
    Cell(count=1, label=[1], flag=True, colour=Colour.RED),  # type: ignore[arg-type]
    Cell(count=1, label="x", flag="yes", colour=Colour.RED),  # type: ignore[arg-type]
    Cell(count=1, label="x", flag=True, colour="green"),  # type: ignore[arg-type]
    Cell(count=ValueError("no count"), label="x", flag=True, colour=Colour.RED),  # type: ignore[arg-type]
]


def _schema(cells: list[Cell], *, plain: bool) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def cells(self) -> list[Cell]:
            return cells

    return strawberry.Schema(query=Query, execution_context_class=PlainFieldExecutor if plain else None)


async def _both(cells: list[Cell]) -> tuple[Any, Any]:
    document = "{ cells { count label flag colour again: count } }"
    short = await _schema(cells, plain=True).execute(document)
    full = await _schema(cells, plain=False).execute(document)
    return short, full


async def test_values_the_serializers_keep_or_convert_answer_the_same() -> None:
    short, full = await _both(CELLS)
    assert short.errors is None and full.errors is None
    assert short.data == full.data
    assert short.data is not None and [
        (c["count"], c["label"], c["flag"], c["colour"]) for c in short.data["cells"]
    ] == [
        (7, "x", True, "RED"),
        (None, None, None, None),
        (1, "5", True, "BLUE"),
        (3, "false", False, "BLUE"),
        (2**31 - 1, "ü", False, "RED"),
        (-(2**31), "", True, "BLUE"),
    ]
    assert [type(c["count"]) for c in short.data["cells"] if c["count"] is not None] == [int] * 5


@pytest.mark.parametrize("refused", REFUSED, ids=range(len(REFUSED)))
async def test_a_value_a_serializer_refuses_is_an_error_at_its_path(refused: Cell) -> None:
    """Beside fine cells: graphql-core's path answers the whole list, the field null with its error."""
    short, full = await _both([CELLS[0], refused, CELLS[1]])
    assert short.data == full.data
    assert [(e.message, e.path) for e in short.errors or []] == [(e.message, e.path) for e in full.errors or []]
    assert short.errors and short.errors[0].path[:2] == ["cells", 1]
