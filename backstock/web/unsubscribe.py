"""`/unsubscribe?token=...`: the page an alert email can link to, for stores without one of their own
(set `BACKSTOCK_UNSUBSCRIBE_URL` to `https://<this server>/unsubscribe`).

GET only shows a button; the POST it sends ends the alert. Mail scanners and link previews
follow GET links, and must not unsubscribe anyone; a POST to the same URL is also what a mail
client's one-click unsubscribe (RFC 8058) sends. The token stays in the query string, so the
button's form has no body to parse.
"""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse

from backstock.resolvers import alerts


def _page(sentence: str, form: str = "", status_code: int = 200) -> HTMLResponse:
    body = (
        '<!doctype html><html><head><meta charset="utf-8"><title>Stock alert</title></head>'
        f"<body><p>{sentence}</p>{form}</body></html>"
    )
    return HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})


async def unsubscribe(request: Request) -> HTMLResponse:
    token = request.query_params.get("token", "")
    if request.method == "GET":
        action = html.escape(f"?token={token}")
        button = f'<form method="post" action="{action}"><button type="submit">Unsubscribe</button></form>'
        return _page("Stop this back-in-stock alert? You will get no email about this product.", button)
    if await alerts.unsubscribe(token):
        return _page("Done: this alert sends you no more emails.")
    return _page("This unsubscribe link is not valid. Copy the whole link from the email.", status_code=404)
