"""Settings from the environment or `.env`, all prefixed ``FIELDBOT_``."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.buttons import parse_int

SUPPORTED_LOCALES = ("en", "ru", "bg")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
    # The company on service reports and sticker sheets (bot/papers).
    company_name: str = "Service company"
    company_address: str = ""
    company_phone: str = ""
    admins: Annotated[frozenset[int], NoDecode] = frozenset()
    manager_chat_id: int | None = None
    manager_locale: str | None = None  # the manager chat's language; default_locale if unset
    # A forum supergroup: alert kind → message_thread_id, e.g. "new_ticket=12,sla=14,default=2".
    manager_topics: bool = False
    manager_topic_ids: Annotated[dict[str, int], NoDecode] = Field(default_factory=dict)
    # a part whose total stock falls below its own minimum (parts.csv min_stock, else this) is low
    min_stock: int = Field(default=2, ge=0)
    timezone: str = "UTC"
    default_locale: str = "en"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    # Where the webhook server listens; default: the path of webhook_url.
    webhook_path: str | None = None
    auto_close_days: int = Field(default=3, ge=1)
    default_response_hours: int = Field(default=8, ge=1)
    default_resolution_hours: int = Field(default=48, ge=1)
    # SLA calendar (bot/services/business_hours.py): the company's working hours and days in
    # its time zone; contracts say whether their clocks run in them or 24/7.
    default_business_hours: bool = False
    business_hours: Annotated[tuple[time, time], NoDecode] = (time(9), time(18))
    business_days: Annotated[frozenset[int], NoDecode] = frozenset(range(5))
    # Company holidays besides those imported (`fieldbot import holidays`), e.g.
    # "2026-12-24,2026-12-25".
    holidays: Annotated[frozenset[date], NoDecode] = frozenset()
    # Agreed visits (bot/services/visits.py): the standard slots offered on each working day,
    # how many working days ahead, and when the evening-before reminder goes out.
    visit_slots: Annotated[tuple[time, ...], NoDecode] = (time(9), time(11), time(14), time(16))
    visit_days: int = Field(default=3, ge=1, le=10)
    visit_reminder_evening: time = time(18)
    # Escalations, preventive maintenance and the daily digest (bot/services/escalations.py,
    # maintenance.py, digest.py).
    unaccepted_minutes: int = Field(default=30, ge=1)
    # Pushing a new job to engineers (bot/services/pushes.py): the nearest few on-duty
    # engineers with the skill first, everyone matching after this many minutes.
    push_first_wave: int = Field(default=3, ge=1)
    push_wave_minutes: int = Field(default=10, ge=1)
    sla_at_risk_percent: int = Field(default=75, ge=1, le=99)
    # More escalations than this in one pass go to the managers as one summary message
    # rather than an alert each (a backlog would otherwise keep the group hours behind).
    escalation_summary_after: int = Field(default=10, ge=1)
    maintenance_lead_days: int = Field(default=7, ge=0)
    digest_time: time = time(8)
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
    # A message failing transiently this long or this many times is a dead letter: it stops
    # holding its chat and the managers hear of it (`fieldbot outbox`).
    outbox_dead_after_seconds: float = Field(default=3600.0, gt=0)
    outbox_dead_after_attempts: int = Field(default=30, ge=1)
    # Several processes: one flood budget in Redis (e.g. redis://127.0.0.1:6379/0); the prefix
    # names this bot's keys when one Redis serves several bots.
    redis_url: str | None = None
    redis_prefix: str = "fieldbot:"
    # Polling mode: serve GET /healthz and GET /metrics on this port (webhook mode serves them
    # on the webhook's own port).
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # The inbox (bot/inbox): updates handled at once per process (one per chat at a time), how
    # long a claim hides an update from other workers (a process killed while handling it, or
    # holding it for its workers, hands it on after this), how often to look for work queued
    # by other processes, and how many crashes make an update dead.
    workers: int = Field(default=4, ge=1)
    inbox_lease_seconds: float = Field(default=60.0, ge=1)
    inbox_poll_seconds: float = Field(default=0.5, gt=0)
    inbox_max_attempts: int = Field(default=5, ge=1)
    # Periodic jobs (bot/services/scheduler.py): how often to look for due work.
    scheduler_tick_seconds: float = Field(default=30.0, gt=0)
    processed_updates_keep_days: int = Field(default=7, ge=1)
    # Abuse (bot/core/inbound.py): at most this many updates per person per window; over it
    # the bot says "slow down" once and ignores the rest of the window.
    inbound_limit: int = Field(default=60, ge=1)
    inbound_window_seconds: int = Field(default=60, ge=1)
    # Failed invite redemptions per person per hour before further tries are refused unread.
    invite_attempts_per_hour: int = Field(default=5, ge=1)

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        """Accept ``"1, 2 3"`` from the environment as well as a list."""
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("manager_topic_ids", mode="before")
    @classmethod
    def _split_topics(cls, value: object) -> object:
        """Accept ``"new_ticket=12, sla=14"`` from the environment as well as a mapping."""
        if not isinstance(value, str):
            return value
        topics: dict[str, int] = {}
        for item in value.replace(";", ",").split(","):
            if not item.strip():
                continue
            kind, separator, thread = item.partition("=")
            topic = parse_int(thread) if separator and kind.strip() else None
            if topic is None:
                raise ValueError("FIELDBOT_MANAGER_TOPIC_IDS looks like 'new_ticket=12,sla=14'")
            topics[kind.strip()] = topic
        return topics

    @field_validator("business_hours", mode="before")
    @classmethod
    def _parse_business_hours(cls, value: object) -> object:
        """``"09:00-18:00"`` → (09:00, 18:00); opening must come before closing."""
        if isinstance(value, str):
            opens, sep, closes = value.partition("-")
            if not sep:
                raise ValueError("FIELDBOT_BUSINESS_HOURS looks like 09:00-18:00")
            value = (time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip()))
        if isinstance(value, tuple | list) and len(value) == 2 and value[0] >= value[1]:
            raise ValueError("business hours must open before they close (e.g. 09:00-18:00)")
        return value

    @field_validator("business_days", mode="before")
    @classmethod
    def _parse_business_days(cls, value: object) -> object:
        """``"mon-fri"``, ``"mon-fri,sat"`` or ``"mon,wed,fri"`` → weekday numbers (Monday 0)."""
        if not isinstance(value, str):
            return value
        days: set[int] = set()
        for part in filter(None, (piece.strip().lower() for piece in value.split(","))):
            first, _, last = part.partition("-")
            try:
                start, end = WEEKDAYS.index(first[:3]), WEEKDAYS.index((last or first)[:3])
            except ValueError:
                raise ValueError(f"unknown weekday in {value!r}; use mon..sun") from None
            days.update(
                range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            )
        if not days:
            raise ValueError("FIELDBOT_BUSINESS_DAYS names no day")
        return frozenset(days)

    @field_validator("holidays", mode="before")
    @classmethod
    def _parse_holidays(cls, value: object) -> object:
        """``"2026-12-24, 2026-12-25"`` → those days."""
        if not isinstance(value, str):
            return value
        try:
            return frozenset(
                date.fromisoformat(part.strip()) for part in value.split(",") if part.strip()
            )
        except ValueError:
            raise ValueError("FIELDBOT_HOLIDAYS looks like 2026-12-24,2026-12-25") from None

    @field_validator("visit_slots", mode="before")
    @classmethod
    def _parse_visit_slots(cls, value: object) -> object:
        """``"09:00,11:00,14:00"`` → those times, in order."""
        if not isinstance(value, str):
            return value
        try:
            slots = sorted({time.fromisoformat(part.strip()) for part in value.split(",")})
        except ValueError:
            raise ValueError("FIELDBOT_VISIT_SLOTS looks like 09:00,11:00,14:00,16:00") from None
        return tuple(slots)

    @field_validator("runtime")
    @classmethod
    def _known_runtime(cls, value: str) -> str:
        if value not in ("aiogram", "ptb"):
            raise ValueError("'aiogram' (default) or 'ptb'")
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
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. Europe/Sofia") from None
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        """Without a secret anyone who finds the URL could post fake updates."""
        if self.webhook_url and not (
            self.webhook_secret and self.webhook_secret.get_secret_value()
        ):
            raise ValueError("FIELDBOT_WEBHOOK_URL needs FIELDBOT_WEBHOOK_SECRET as well")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
