"""Settings from the environment or `.env`, all prefixed ``FIELDBOT_``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SUPPORTED_LOCALES = ("en", "ru", "bg")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FIELDBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    bot_token: SecretStr | None = None
    database_url: str = f"sqlite+aiosqlite:///{Path('fieldbot.sqlite3').resolve()}"
    runtime: str = "aiogram"
    api_base_url: str | None = None
    bot_username: str | None = None  # for invite links; else asked from getMe
    admins: Annotated[frozenset[int], NoDecode] = frozenset()
    manager_chat_id: int | None = None
    manager_locale: str | None = None  # the manager chat's language; default_locale if unset
    timezone: str = "UTC"
    default_locale: str = "en"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    auto_close_days: int = Field(default=3, ge=1)
    default_response_hours: int = Field(default=8, ge=1)
    default_resolution_hours: int = Field(default=48, ge=1)
    recent_ticket_days: int = Field(default=30, ge=1)
    # Outbox delivery (bot/delivery): Telegram's flood limits and how patiently to retry.
    flood_per_bot_per_second: int = Field(default=30, ge=1)
    flood_per_private_chat_per_second: int = Field(default=1, ge=1)
    flood_per_group_per_minute: int = Field(default=20, ge=1)
    outbox_poll_seconds: float = Field(default=0.5, gt=0)
    outbox_batch_size: int = Field(default=20, ge=1)
    outbox_claim_seconds: float = Field(default=120.0, ge=10)
    outbox_concurrency: int = Field(default=8, ge=1)
    outbox_backoff_cap_seconds: float = Field(default=300.0, gt=0)
    # Periodic jobs (bot/services/scheduler.py): how often to look for due work.
    scheduler_tick_seconds: float = Field(default=30.0, gt=0)
    processed_updates_keep_days: int = Field(default=7, ge=1)

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        """Accept ``"1, 2 3"`` from the environment as well as a list."""
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("runtime")
    @classmethod
    def _known_runtime(cls, value: str) -> str:
        if value not in ("aiogram", "ptb"):
            raise ValueError("FIELDBOT_RUNTIME is 'aiogram' (default) or 'ptb'")
        return value

    @field_validator("default_locale", "manager_locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        if value is not None and value not in SUPPORTED_LOCALES:
            raise ValueError(f"a locale is one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises on an unknown zone
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
