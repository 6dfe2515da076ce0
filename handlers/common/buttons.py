"""The buttons everyone meets: a main-menu entry that runs a command, and a language."""

from __future__ import annotations

from bot.core.buttons import ButtonData


class RunCommand(ButtonData, prefix="cmd"):
    """A main-menu button: ``cmd:report`` runs ``/report`` as if it had been typed."""

    name: str


class ChooseLanguage(ButtonData, prefix="lang"):
    """A language in the /language chooser: ``lang:bg``."""

    locale: str
