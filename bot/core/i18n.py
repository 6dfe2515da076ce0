"""Translations and locale-aware formatting for one reader.

Catalogs are the ``.po`` files in ``locales/``; they are compiled to ``.mo`` at start-up when
the ``.mo`` is missing or older (``.mo`` files are build output, never committed).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    format_timedelta,
)
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from bot.config import SUPPORTED_LOCALES
from locales import DOMAIN, LOCALES_DIR

log = logging.getLogger(__name__)
Day = date  # the Translator's own ``date`` method hides the type inside the class
NBSP = "\u00a0"
SPACES = re.compile(r"\s+")  # str patterns: also the no-break (U+00A0) and narrow (U+202F) ones


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it yet (it is translated for the
    reader later, with ``ctx._``)."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a msgid with its context (``msgctxt``) for extraction: the same English word that
    must read differently where it stands (a label inside a heading, a chart's legend)."""
    return context, message


# CLDR's "MMMd" is numeric in Bulgarian ("2.12."); the month's name reads as people write it.
DAY_SKELETONS = {"bg": "MMMMd"}
YEAR_DAY_SKELETONS = {"bg": "yMMMMd"}


def format_phone(number: str) -> str:
    """A stored phone number (digits, maybe a leading +) as people write it:
    ``+359 88 812 3456``; as it was, with its +, when it cannot be parsed."""
    digits = "+" + number.lstrip("+")
    try:
        parsed = phonenumbers.parse(digits)
    except phonenumbers.NumberParseException:
        return digits
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def unbroken(text: str) -> str:
    """A number and its unit (``3 hr``, ``12,5 km``) held together on a narrow screen: every
    run of spaces in it, plain or CLDR's narrow no-break, becomes one no-break space."""
    return SPACES.sub(NBSP, text.strip())


def with_unit(value: str, unit: str | None) -> str:
    """``1,2 bar``: a value and its unit (if any) on one line; the value alone without one."""
    return f"{value}{NBSP}{unit}" if unit and value else value


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

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        """Translate a msgid marked with :func:`NP_` (a word whose wording depends on where
        it stands)."""
        text = self.translations.pgettext(context, message)
        return text.format(**values) if values else text

    def date(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.locale)

    def day(self, value: Day | datetime, year: bool = False) -> str:
        """A day without its weekday: ``Dec 2`` / ``2 дек.`` / ``2 декември`` (``year``
        adds it). A datetime is taken in the company's zone."""
        table = YEAR_DAY_SKELETONS if year else DAY_SKELETONS
        skeleton = table.get(self.locale, "yMMMd" if year else "MMMd")
        if isinstance(value, datetime):
            return format_skeleton(skeleton, value, tzinfo=self.tz, locale=self.locale)
        return format_skeleton(skeleton, value, locale=self.locale)

    def time(self, value: datetime) -> str:
        """A time of day in the company's zone, with a leading zero where the locale counts
        the day in 24 hours: ``01:31`` / ``01:31 ч.`` (CLDR's Bulgarian has ``1:31 ч.``) /
        ``1:31 AM``."""
        pattern = Locale.parse(self.locale).time_formats["short"].pattern
        if "H" in pattern and "HH" not in pattern:
            pattern = pattern.replace("H", "HH")
        return format_time(value, pattern, tzinfo=self.tz, locale=self.locale)

    def datetime(self, value: datetime, now: datetime | None = None) -> str:
        """Short date and time in the company's zone, e.g. ``22 Nov, 14:05``; given ``now``,
        "today at 14:05" / "tomorrow at 09:00" and the year when it is not this year's."""
        time = self.time(value)
        if now is not None:
            day, today = value.astimezone(self.tz).date(), now.astimezone(self.tz).date()
            if day == today:
                return self._("today at {time}", time=time)
            if day == today + timedelta(days=1):
                return self._("tomorrow at {time}", time=time)
            if day.year != today.year:
                return f"{self.day(value, year=True)}, {time}"
        return f"{self.day(value)}, {time}"

    def interval(self, first: Day, last: Day) -> str:
        """A period of days with the shared month and year said once: ``Nov 30 – Dec 6,
        2026`` / ``30 нояб. — 6 дек. 2026 г.``; one day is that day."""
        if first == last:
            return self.day(first, year=True)
        skeleton = YEAR_DAY_SKELETONS.get(self.locale, "yMMMd")
        return format_interval(first, last, skeleton, locale=self.locale)

    def number(self, value: float | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        """A share (0.675) as the locale writes it: ``68%`` / ``68 %``."""
        return format_percent(value, locale=self.locale)

    def duration(self, value: timedelta) -> str:
        """A rounded duration such as ``3 hours`` / ``3 часа``, for what needs no precision
        (how long ago, a gap between breakdowns); :meth:`span` where the minutes matter."""
        return unbroken(format_timedelta(value, threshold=1.1, locale=self.locale))

    def span(self, value: timedelta) -> str:
        """A duration to the minute in its two largest units, e.g. ``2 hr 15 min`` /
        ``1 day 6 hr`` / ``2 ч и 15 мин`` (at least a minute; the sign is ignored): SLA time
        left, time to resolve. Each number keeps its unit (a no-break space between them);
        the line may break only between the pairs."""
        minutes = max(1, int(abs(value).total_seconds()) // 60)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        units = [
            timedelta(days=days),
            timedelta(hours=hours),
            timedelta(minutes=minutes),
        ]
        first = next(index for index, unit in enumerate(units) if unit)
        parts = [
            unbroken(format_timedelta(unit, format="short", threshold=1, locale=self.locale))
            for unit in units[first : first + 2]
            if unit
        ]
        try:
            return format_list(parts, style="unit-narrow", locale=self.locale)
        except KeyError:  # a locale without unit lists in CLDR (Bulgarian): "2 ч и 15 мин"
            return format_list(parts, locale=self.locale)

    def distance(self, km: float) -> str:
        """``12.5 km`` / ``12,5 км``, to a tenth, never split between number and unit."""
        return unbroken(self._("{km} km", km=self.number(round(km, 1))))

    def phone(self, number: str) -> str:
        return format_phone(number)

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

    def all(self) -> list[Translator]:
        return list(self._translators.values())
