"""Which browser origins may call the API (BACKSTOCK_CORS_ORIGINS)."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from backstock.settings import Settings


def allowed_origins(settings: Settings) -> list[str]:
    """The one parsing of BACKSTOCK_CORS_ORIGINS, for CORS and for the websocket origin check alike
    (CORSMiddleware never sees websockets). Empty: no cross-origin browser calls at all."""
    return [origin.strip().rstrip("/") for origin in settings.cors_origins.split(",") if origin.strip()]


def cors(settings: Settings) -> list[Middleware]:
    """Bearer keys travel in `Authorization`, never in cookies: credentials stay off."""
    origins = allowed_origins(settings)
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["POST"],
            allow_headers=["Content-Type", "Authorization", "X-Request-ID"],
            allow_credentials=False,
            expose_headers=["X-Request-ID"],
        )
    ]
