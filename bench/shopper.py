"""The listing as storefronts ask it (issue 11): anonymously, and with a STOREFRONT key asserting a
customer group, for the same shopper fields, so what a key and a group cost reads as one ratio.

The admin listing of `bench.run` asks admin-only fields, which a STOREFRONT key may not read, so it
cannot be the comparison here.
"""

from __future__ import annotations

import httpx

from harness.graphql import ADMIN_TOKEN

SHOPPER_FIELDS = "sku name price stockStatus isSalable salableQuantity onlyXLeft backorderMessage"
ANONYMOUS_LISTING = (
    f"{{ products(first: 100) {{ totalCount edges {{ cursor node {{ {SHOPPER_FIELDS} }} }} "
    "pageInfo { hasNextPage endCursor } } }"
)
GROUP = "B2B"
GROUP_LISTING = ANONYMOUS_LISTING.replace("products(first: 100)", f'products(first: 100, customerGroup: "{GROUP}")')
CREATE_KEY = 'mutation { createApiKey(name: "bench storefront", role: STOREFRONT) { secret } }'


async def storefront_headers(base: str) -> dict[str, str]:
    """A new STOREFRONT key, created through the server under test with the admin token."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        response = await client.post(
            "/graphql", json={"query": CREATE_KEY}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
    secret = response.json()["data"]["createApiKey"]["secret"]
    return {"Authorization": f"Bearer {secret}"}
