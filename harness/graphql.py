"""The query texts and the admin token that the tests and the benchmarks send alike."""

ADMIN_TOKEN = "test-admin-token"

PRODUCT_FIELDS = """
    sku name price stockStatus isSalable salableQuantity onlyXLeft backorderMessage
    quantity reservedQuantity backorderedQuantity inStock isLowStock
"""
ORDER_FIELDS = """
    number status createdAt customerEmail grandTotal paymentStatus hasBackorders
    lines { sku name quantityOrdered quantityBackordered quantityReadyToShip quantityShipped
            quantityCanceled backorderMessage }
    shipments { number createdAt lines { sku quantity } }
"""
CHECKOUT = f"""
mutation($input: CheckoutInput!) {{
  checkout(input: $input) {{
    __typename
    ... on Order {{ {ORDER_FIELDS} }}
    ... on CheckoutRejected {{ errors {{ sku code message }} }}
  }}
}}"""
