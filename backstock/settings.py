"""Settings from BACKSTOCK_* environment variables (DESIGN.md section 2)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    graphiql: bool = False
    introspection: bool = True
    cors_origins: str = ""
    log_format: LogFormat = LogFormat.TEXT
    timezone: str = "UTC"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: SmtpTls = SmtpTls.NONE
    smtp_timeout: float = 10.0
    mail_from: str = "backstock@localhost"

    dispatcher_enabled: bool = True
    dispatch_interval: float = 1.0
    dispatch_batch_size: int = 50
    retry_base_delay: float = 1.0
    retry_max_delay: float = 60.0

    max_query_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 5000
    max_body_bytes: int = 1_048_576
    request_timeout: float = 10.0

    webhooks_allow_private: bool = False
    webhook_max_attempts: int = 12
    webhook_timeout: float = 10.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
