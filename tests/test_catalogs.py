"""Every message translated into every language, placeholders intact, plurals complete,
and the template in git matching what the code asks for."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.core.i18n import compile_catalog
from locales import DOMAIN, LOCALES_DIR

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TRANSLATED = ["ru", "bg"]
PLURALS = {"en": 2, "ru": 3, "bg": 2}


def load(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def code_msgids() -> set[str]:
    method_map = [("bot/**.py", "python"), ("handlers/**.py", "python")]
    keywords = {
        "_": None,
        "N_": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "NP_": ((1, "c"), 2),
    }
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_template_matches_code() -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(handle)
            if message.id
        }
    assert code_msgids() == template, "run scripts/update-catalogs"


@pytest.mark.parametrize("locale", ["en", *TRANSLATED])
def test_catalog_has_every_template_message(locale: str) -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = {message.id for message in read_po(handle) if message.id}
    catalog = {message.id for message in load(locale) if message.id}
    assert template <= catalog, f"missing in {locale}: run scripts/update-catalogs"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_translated_without_fuzzy(locale: str) -> None:
    catalog = load(locale)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{locale}: fuzzy {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{locale}: untranslated {message.id!r}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_placeholders_identical(locale: str) -> None:
    for message in load(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1])
        for string in strings:
            assert placeholders(string) == expected, f"{locale}: {message.id!r} → {string!r}"


@pytest.mark.parametrize("locale", ["en", *TRANSLATED])
def test_plural_forms_complete(locale: str) -> None:
    catalog = load(locale)
    assert catalog.num_plurals == PLURALS[locale]
    for message in catalog:
        if message.pluralizable and locale in TRANSLATED:
            assert isinstance(message.string, tuple)
            assert len(message.string) == PLURALS[locale] and all(message.string)


@pytest.mark.parametrize("locale", ["en", *TRANSLATED])
def test_catalog_compiles(locale: str) -> None:
    from gettext import GNUTranslations

    data = compile_catalog(LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po")
    GNUTranslations(BytesIO(data))


def test_russian_plurals_pick_the_right_form() -> None:
    from gettext import GNUTranslations

    data = compile_catalog(LOCALES_DIR / "ru" / "LC_MESSAGES" / f"{DOMAIN}.po")
    ru = GNUTranslations(BytesIO(data))
    forms = {n: ru.ngettext("{n} photo", "{n} photos", n) for n in (1, 3, 5, 21, 22, 25, 11)}
    assert forms[1] == forms[21] != forms[3]
    assert forms[3] == forms[22] != forms[5]
    assert forms[5] == forms[25] == forms[11]


def test_no_message_hides_inside_an_f_string() -> None:
    """Babel cannot see ``t._("…")`` inside an f-string on Python 3.11: such a text would
    never reach the catalogs and stay English for every reader."""
    hidden = re.compile(r"""f["'][^"'\n]*\{[^}\n]*\b(?:_|ngettext)\(\s*["']""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("bot", "handlers")
        for path in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hidden.search(line)
    ]
    assert not found, found
