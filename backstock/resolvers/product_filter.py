"""A product listing's filter, split into what SQL narrows (SKUs, search) and what the rules decide per row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from backstock import rules
from backstock.models import Product
from backstock.resolvers import validation
from backstock.resolvers.errors import BadUserInput

if TYPE_CHECKING:
    from backstock.resolvers.catalog import ProductView
    from backstock.resolvers.keys import Access

MAX_SEARCH = 255
"""A name holds at most 255 characters: a longer search could match nothing, so it is a mistake."""


@dataclass(frozen=True)
class ProductCriteria:
    """Every given condition must hold. `low_stock` reads an admin field: `checked` refuses it to others."""

    skus: list[str] | None = None
    status: rules.StockStatus | None = None
    search: str | None = None
    low_stock: bool | None = None

    def checked(self, access: Access) -> ProductCriteria:
        """Refuses what the caller may not filter by, and a search no product could match, before any query."""
        if self.low_stock is not None and (refusal := access.admin_refusal()) is not None:
            refusal.extensions["field"] = "filter.isLowStock"
            raise refusal
        if self.search is not None and len(self.search) > MAX_SEARCH:
            raise BadUserInput(
                f"filter.search may hold at most {MAX_SEARCH} characters, got {len(self.search)}",
                field="filter.search",
            )
        return self

    def query(self) -> QuerySet[Product]:
        """The SQL part. LIKE through UPPER on both sides: case-insensitive for ASCII everywhere; beyond
        ASCII as the database's upper() folds (PostgreSQL: by its locale; SQLite: ASCII only)."""
        query = Product.all() if self.skus is None else Product.filter(sku__in=validation.filter_skus(self.skus))
        if self.search:
            query = query.filter(Q(name__icontains=self.search) | Q(sku__icontains=self.search))
        return query

    @property
    def whole_catalog(self) -> bool:
        """Nothing filtered: the catalog's size, which the database keeps (`CatalogSize`), is the total."""
        return self.skus is None and not self.search and not self.by_rules

    @property
    def by_rules(self) -> bool:
        """Whether some condition is a computed stock field, which only the rules decide (row by row)."""
        return self.status is not None or self.low_stock is not None

    def keeps(self, view: ProductView) -> bool:
        return (self.status is None or view.availability.stock_status is self.status) and (
            self.low_stock is None or view.is_low_stock is self.low_stock
        )
