"""Translations and locale-aware formatting for one reader.

Catalogs are the ``.po`` files in ``locales/``; they are compiled to ``.mo`` at start-up when
the ``.mo`` is missing or older (``.mo`` files are build output, never committed).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.config import SUPPORTED_LOCALES
from locales import DOMAIN, LOCALES_DIR

log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it yet (it is translated for the
    reader later, with ``ctx._``)."""
    return message


def pick_locale(language_code: str | None, default: str) -> str:
    """Telegram's ``language_code`` (``ru``, ``bg``, ``en-GB``...) → a supported locale."""
    if language_code:
        base = language_code.replace("_", "-").split("-", 1)[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default


def compile_catalog(po_path: Path) -> bytes:
    """Compile one ``.po`` file to ``.mo`` bytes, skipping fuzzy entries like msgfmt does."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def load_translations(locale: str, directory: Path = LOCALES_DIR) -> NullTranslations:
    """The compiled catalog for ``locale``, (re)building the ``.mo`` next to the ``.po``."""
    po_path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return NullTranslations()
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        data = compile_catalog(po_path)
        try:
            mo_path.write_bytes(data)
        except OSError:  # a read-only install: use the compiled bytes directly
            log.info("cannot write %s; using the catalog from memory", mo_path)
            return GNUTranslations(io.BytesIO(data))
    with mo_path.open("rb") as handle:
        return GNUTranslations(handle)


@dataclass(frozen=True)
class Translator:
    """Everything a handler needs to speak to one reader: messages, dates, numbers."""

    locale: str
    tz: ZoneInfo
    translations: NullTranslations

    def _(self, message: str, **values: Any) -> str:
        """Translate; ``{name}`` placeholders are filled from ``values``."""
        text = self.translations.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The plural form for ``n`` (Russian has three), with ``{n}`` filled in."""
        return self.translations.ngettext(singular, plural, n).format(n=n, **values)

    def date(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        """Short date and time in the company's zone, e.g. ``22 Nov, 14:05``."""
        day = format_skeleton("MMMd", value, tzinfo=self.tz, locale=self.locale)
        return f"{day}, {format_time(value, 'short', tzinfo=self.tz, locale=self.locale)}"

    def number(self, value: float | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def duration(self, value: timedelta) -> str:
        """A rounded duration such as ``3 hours`` / ``3 часа``."""
        return format_timedelta(value, threshold=1.1, locale=self.locale)

    def span(self, value: timedelta) -> str:
        """A duration to the minute in its two largest units, e.g. ``2 hr 15 min`` /
        ``1 day 3 hr`` / ``2 ч 15 мин`` (at least a minute; the sign is ignored)."""
        minutes = max(1, int(abs(value).total_seconds()) // 60)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        units = [
            timedelta(days=days),
            timedelta(hours=hours),
            timedelta(minutes=minutes),
        ]
        first = next(index for index, unit in enumerate(units) if unit)
        return " ".join(
            format_timedelta(unit, format="short", threshold=1, locale=self.locale)
            for unit in units[first : first + 2]
            if unit
        )

    def age(self, value: timedelta) -> str:
        """How old something is: a duration, or "just now" under a minute."""
        return self._("just now") if value < timedelta(minutes=1) else self.duration(value)

    @property
    def language_name(self) -> str:
        name = Locale.parse(self.locale).get_display_name(self.locale) or self.locale
        return name[:1].upper() + name[1:]


class Catalogs:
    """All languages, loaded once per process."""

    def __init__(self, tz: ZoneInfo, default_locale: str, directory: Path = LOCALES_DIR) -> None:
        self.tz = tz
        self.default_locale = default_locale
        self._translators = {
            locale: Translator(locale, tz, load_translations(locale, directory))
            for locale in SUPPORTED_LOCALES
        }

    def get(self, locale: str | None) -> Translator:
        return self._translators.get(locale or "", self._translators[self.default_locale])
