"""The catalogs keep docs/glossary.md: one word per idea, the agreed voice, no known calques.

Each rule names a synonym the glossary rejects; a rule with a msgid pattern applies only to
the entries whose English matches it (a Russian "заказ" is right for the manager's order from
a supplier and wrong for the engineer's part request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from locales import DOMAIN, LOCALES_DIR

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"
PLACEHOLDER = re.compile(r"\{\w*\}")


@dataclass(frozen=True)
class Rule:
    forbidden: str
    why: str
    only_for: str = ""  # a msgid pattern; empty means every entry

    def broken_by(self, msgid: str, text: str) -> bool:
        if self.only_for and not re.search(self.only_for, msgid, re.IGNORECASE):
            return False
        return re.search(self.forbidden, PLACEHOLDER.sub("", text), re.IGNORECASE) is not None


PART_REQUEST = r"part request|request parts|parts requested|request another part"
NOTE = r"(?<!voice )\bnotes?\b"

RULES = {
    "en": [
        Rule(r"\btickets?\b", "the object is a request (a job to engineers), never a ticket"),
    ],
    "ru": [
        Rule(r"тикет|обращени", "заявка, not тикет/обращение"),
        Rule(r"заказ", "a part request is запрос: nothing is ordered yet", PART_REQUEST),
        Rule(r"комментари", "an engineer's note is заметка; комментарий is the customer's", NOTE),
        Rule(r"мне не нужн|мне это не нужн", "refusals say what to do, not what the bot needs"),
        Rule(r"больше .*больше", "one больше per sentence"),
        Rule(r"время прибытия", "«Вы прибудете: …» / «Инженер прибудет …»"),
        Rule(r"внест\w* \{?n?\}? ?провер", "«осталось заполнить N пунктов»"),
        Rule(r"визит", "выезд, not визит"),
    ],
    "bg": [
        Rule(r"тикет", "заявка, not тикет"),
        Rule(r"инженер", "field staff are техници"),
        Rule(r"заявк\w* за (резервн\w* )?част|\bзаяви\b", "искане за резервни части"),
        Rule(r"\bне (открих|намерих|разбрах|мога)\b|не ми е нужн", "the service speaks as «ние»"),
        Rule(r"производството е спряно", "«Спряно производство»"),
        Rule(r"(пристигна|пътува)[^.]* по заявка", "«на адреса (заявка …)», not «по заявке»"),
        Rule(r"визит", "посещение, not визита"),
    ],
}

# Russian readers take «Пожалуйста,» at the start of every request as translated English;
# it stays only where it softens a second ask after an error.
MAX_PLEASE_FIRST = {"ru": 8}


def load(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def entries(locale: str) -> list[tuple[str, str]]:
    """(msgid, text) pairs: the translation, or the English itself in the en catalog."""
    pairs = []
    for message in load(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts = [s for s in strings if s] or list(ids)
        pairs.extend((ids[0], text) for text in texts)
    return pairs


def test_the_glossary_is_written() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    for term in ("request", "заявка", "запрос запчастей", "искане за резервни части"):
        assert term in text


@pytest.mark.parametrize("locale", sorted(RULES))
def test_catalog_keeps_the_glossary(locale: str) -> None:
    broken = [
        f"{msgid!r} → {text!r}: {rule.why}"
        for msgid, text in entries(locale)
        for rule in RULES[locale]
        if rule.broken_by(msgid, text)
    ]
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("locale", sorted(MAX_PLEASE_FIRST))
def test_few_entries_open_with_please(locale: str) -> None:
    opening = [text for _msgid, text in entries(locale) if text.startswith("Пожалуйста")]
    assert len(opening) <= MAX_PLEASE_FIRST[locale], opening


def test_the_rules_catch_what_they_name() -> None:
    """A rule that matches nothing guards nothing: each one is tried on a known bad text."""
    bad = {
        "en": ("Ticket {ref} is registered.", "Ticket {ref} is registered."),
        "ru": ("📦 Request parts", "📦 Заказать запчасти"),
        "bg": ("📦 Request parts", "📦 Заяви резервни части"),
    }
    for locale, (msgid, text) in bad.items():
        assert any(rule.broken_by(msgid, text) for rule in RULES[locale]), locale
    assert RULES["ru"][2].broken_by("Note: {note}", "Комментарий: {note}")
    assert not RULES["ru"][2].broken_by("Voice note added", "Голосовой комментарий")
