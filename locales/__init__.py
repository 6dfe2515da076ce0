"""Message catalogs: ``messages.pot`` and one ``<lang>/LC_MESSAGES/messages.po`` per language."""

from pathlib import Path

LOCALES_DIR = Path(__file__).parent
DOMAIN = "messages"
