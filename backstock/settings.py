"""Settings from BACKSTOCK_* environment variables (DESIGN.md section 2)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import ConfigurationError

DEV_ADMIN_TOKEN = "dev-admin-token"
"""The token `make run` sets and prints; the one token allowed under MIN_ADMIN_TOKEN_LENGTH."""
MIN_ADMIN_TOKEN_LENGTH = 16
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql")

Seconds = Annotated[float, Field(gt=0)]
Positive = Annotated[int, Field(ge=1)]


class SmtpTls(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BACKSTOCK_", frozen=True)

    database_url: str = "sqlite://./backstock.sqlite3"
    admin_token: SecretStr | None = None
    # Signs the dashboard's session cookies; without it they are signed with a key derived from the
    # admin token, else a key drawn per process (sessions then end with a restart and span no workers).
    session_secret: SecretStr | None = None
    graphiql: bool = False
    introspection: bool = True
    cors_origins: str = ""
    log_format: LogFormat = LogFormat.TEXT
    timezone: str = "UTC"

    smtp_host: str = "127.0.0.1"
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: SmtpTls = SmtpTls.NONE
    smtp_timeout: Seconds = 10.0
    mail_from: str = "backstock@localhost"
    # The page that unsubscribes a back-in-stock alert; emails link to it with `token=<token>` added.
    unsubscribe_url: str | None = None

    dispatcher_enabled: bool = True
    # Zero would make an idle dispatcher poll the database in a busy loop.
    dispatch_interval: Annotated[float, Field(ge=0.01)] = 1.0
    dispatch_batch_size: Annotated[int, Field(ge=1, le=1000)] = 50
    retry_base_delay: Seconds = 1.0
    retry_max_delay: Seconds = 60.0

    max_query_depth: Positive = 10
    max_aliases: Positive = 30
    max_tokens: Positive = 5000
    max_body_bytes: Positive = 1_048_576
    request_timeout: Seconds = 10.0
    # Fields selected once fragments are expanded. 300 takes GraphiQL's introspection query (229)
    # and keeps graphql-core's validation of the worst documents near 100 ms (its check of
    # overlapping fields grows with the square of the fields).
    max_query_cost: Positive = 300
    max_query_length: Positive = 20_000

    webhooks_allow_private: bool = False
    webhook_max_attempts: Positive = 12
    webhook_timeout: Seconds = 10.0

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        try:
            expand_db_url(url)
        except (ConfigurationError, ValueError) as exc:
            raise ValueError(f"not a database URL ({exc}); use sqlite://PATH or postgres://USER:PASS@HOST/DB") from None
        if urlsplit(url).scheme not in DATABASE_SCHEMES:
            raise ValueError("backstock runs on sqlite://PATH or postgres://USER:PASS@HOST/DB")
        return url

    @field_validator("admin_token", "session_secret", mode="before")
    @classmethod
    def _blank_token_is_none(cls, token: object) -> object:
        """A set-but-empty variable must not turn `Authorization: Bearer ` into admin access."""
        if isinstance(token, str | SecretStr):
            text = token.get_secret_value() if isinstance(token, SecretStr) else token
            return None if not text.strip() else token
        return token

    @field_validator("admin_token")
    @classmethod
    def _long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None:
            value = token.get_secret_value()
            if value != value.strip():
                raise ValueError("has leading or trailing spaces")
            if len(value) < MIN_ADMIN_TOKEN_LENGTH and value != DEV_ADMIN_TOKEN:
                raise ValueError(
                    f"shorter than {MIN_ADMIN_TOKEN_LENGTH} characters; "
                    'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
                )
        return token

    @field_validator("timezone")
    @classmethod
    def _iana_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{name!r} is not an IANA time zone name such as Europe/Berlin or UTC") from None
        return name

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in filter(None, (part.strip() for part in value.split(","))):
            url = urlsplit(origin)
            if url.scheme not in ("http", "https") or not url.hostname or url.path or url.query or url.fragment:
                raise ValueError(f"{origin!r} is not an origin such as https://shop.example.com (scheme and host only)")
        return value

    @field_validator("unsubscribe_url")
    @classmethod
    def _page_url(cls, value: str | None) -> str | None:
        if value is not None:
            url = urlsplit(value)
            if url.scheme not in ("http", "https") or not url.hostname or any(c.isspace() for c in value):
                raise ValueError(f"{value!r} is not an http(s) URL such as https://shop.example.com/unsubscribe")
        return value

    @field_validator("retry_max_delay")
    @classmethod
    def _cap_above_base(cls, cap: float, info: ValidationInfo) -> float:
        base = info.data.get("retry_base_delay")
        if base is not None and cap < base:
            raise ValueError(f"{cap} is below BACKSTOCK_RETRY_BASE_DELAY ({base})")
        return cap

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def describe_error(error: ValidationError) -> str:
    """The first mistake as `BACKSTOCK_X: reason`, without echoing the value (it may be a secret)."""
    first = error.errors(include_url=False, include_input=False)[0]
    field = "_".join(str(part) for part in first["loc"]).upper()
    reason = first["msg"].removeprefix("Value error, ")
    return f"BACKSTOCK_{field}: {reason}" if field else reason
