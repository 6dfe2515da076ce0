"""/help and the main-menu keys per role and language, to the letter (and what Telegram's
"/" menu lists), as scripts/gen-test-texts writes them from the command table and the
catalogs."""

from __future__ import annotations

HELP: dict[tuple[str, str], str] = {
    ("client", "en"): (
        "Commands:\n"
        "/report — report a breakdown\n"
        "/request — request an installation, maintenance or an upgrade\n"
        "/status — your requests and their progress\n"
        "/complaint — tell the service managers what went wrong\n"
        "/language — change the language\n"
        "/cancel — stop the current action\n"
        "/help — show this help"
    ),
    ("engineer", "en"): (
        "You are a field engineer. Commands:\n"
        "/jobs — open jobs you can take, most urgent and nearest first\n"
        "/myjobs — your jobs: status, notes, photos, tests, parts, resolve\n"
        "/duty — go on or off duty\n"
        "Share your location with the 📍 button below so nearby jobs come first.\n"
        "/language — change the language\n"
        "/cancel — stop the current action\n"
        "/help — show this help"
    ),
    ("manager", "en"): (
        "You are a service manager. Commands:\n"
        "/open — open requests: filter, assign, reassign\n"
        "/stats — figures for today, this week or this month\n"
        "/trends — models and customers with the most breakdowns, repeat breakdowns\n"
        "/engineers — who is on duty, where and how busy\n"
        "/export — requests as CSV and Excel files\n"
        "/invite — an invite link for a new engineer or manager\n"
        "/verify — check a paper service report by its code\n"
        "/stickers — QR stickers for a customer's equipment\n"
        "/staff — engineers and managers; deactivate one\n"
        "/audit — who changed roles, links and data\n"
        "/language — change the language\n"
        "/cancel — stop the current action\n"
        "/help — show this help"
    ),
    ("client", "ru"): (
        "Команды:\n"
        "/report — сообщить о неисправности\n"
        "/request — оставить заявку на монтаж, техобслуживание или модернизацию\n"
        "/status — ваши заявки и их статус\n"
        "/complaint — рассказать менеджерам сервисной службы, что пошло не так\n"
        "/language — сменить язык\n"
        "/cancel — отменить текущее действие\n"
        "/help — показать эту справку"
    ),
    ("engineer", "ru"): (
        "Вы выездной инженер. Команды:\n"
        "/jobs — заявки, которые можно взять: сначала самые срочные и ближайшие\n"
        "/myjobs — ваши заявки: статус, заметки, фото, тесты, запчасти, завершение\n"
        "/duty — начать или закончить смену\n"
        "Отправляйте геопозицию кнопкой 📍 внизу, чтобы ближайшие заявки показывались первыми.\n"
        "/language — сменить язык\n"
        "/cancel — отменить текущее действие\n"
        "/help — показать эту справку"
    ),
    ("manager", "ru"): (
        "Вы менеджер сервисной службы. Команды:\n"
        "/open — открытые заявки: фильтры, назначение, переназначение\n"
        "/stats — показатели за сегодня, эту неделю или этот месяц\n"
        "/trends — модели и клиенты с наибольшим числом неисправностей, повторные неисправности\n"
        "/engineers — кто на смене, где и насколько загружен\n"
        "/export — выгрузка заявок в CSV и Excel\n"
        "/invite — ссылка-приглашение для нового инженера или менеджера\n"
        "/verify — проверить бумажный акт выполненных работ по коду\n"
        "/stickers — QR-наклейки для оборудования клиента\n"
        "/staff — инженеры и менеджеры; деактивация\n"
        "/audit — кто менял роли, привязки и данные\n"
        "/language — сменить язык\n"
        "/cancel — отменить текущее действие\n"
        "/help — показать эту справку"
    ),
    ("client", "bg"): (
        "Команди:\n"
        "/report — подаване на сигнал за повреда\n"
        "/request — заявка за монтаж, профилактика или модернизация\n"
        "/status — Вашите заявки и тяхното състояние\n"
        "/complaint — оплакване до мениджърите на сервиза\n"
        "/language — смяна на езика\n"
        "/cancel — отказ от текущото действие\n"
        "/help — показване на тази помощ"
    ),
    ("engineer", "bg"): (
        "Вие сте сервизен техник. Команди:\n"
        "/jobs — заявки, които можете да поемете, първо най-спешните и най-близките\n"
        "/myjobs — Вашите заявки: статус, бележки, снимки, тестове, резервни части, завършване\n"
        "/duty — начало или край на смяната\n"
        "Споделяйте местоположението си с бутона 📍 отдолу, за да виждате първо близките заявки.\n"
        "/language — смяна на езика\n"
        "/cancel — отказ от текущото действие\n"
        "/help — показване на тази помощ"
    ),
    ("manager", "bg"): (
        "Вие сте мениджър на сервиза. Команди:\n"
        "/open — отворени заявки: филтриране, възлагане, превъзлагане\n"
        "/stats — показатели за днес, тази седмица или този месец\n"
        "/trends — модели и клиенти с най-много повреди, повторни повреди\n"
        "/engineers — кой е на смяна, къде е и колко е натоварен\n"
        "/export — заявките като файлове CSV и Excel\n"
        "/invite — връзка за покана за нов техник или мениджър\n"
        "/verify — проверка на хартиен сервизен протокол по кода му\n"
        "/stickers — QR стикери за оборудването на клиент\n"
        "/staff — техници и мениджъри; деактивиране\n"
        "/audit — кой е променял роли, връзки и данни\n"
        "/language — смяна на езика\n"
        "/cancel — отказ от текущото действие\n"
        "/help — показване на тази помощ"
    ),
}
# The main-menu keys under the input field in a private chat.
MENU: dict[tuple[str, str], list[list[str]]] = {
    ("client", "en"): [
        ["🛠 Report a breakdown"],
        ["📦 Installation, maintenance, upgrade"],
        ["📋 My requests"],
        ["❓ Help", "🌐 Language"],
    ],
    ("engineer", "en"): [
        ["📋 Open jobs", "🧰 My jobs"],
        ["📍 Share my location"],
        ["❓ Help", "🌐 Language"],
    ],
    ("manager", "en"): [["📂 Open requests", "📊 Today"], ["❓ Help", "🌐 Language"]],
    ("client", "ru"): [
        ["🛠 Сообщить о неисправности"],
        ["📦 Монтаж и другие работы"],
        ["📋 Мои заявки"],
        ["❓ Помощь", "🌐 Язык"],
    ],
    ("engineer", "ru"): [
        ["📋 Открытые заявки", "🧰 Мои заявки"],
        ["📍 Отправить геопозицию"],
        ["❓ Помощь", "🌐 Язык"],
    ],
    ("manager", "ru"): [["📂 Открытые заявки", "📊 Сегодня"], ["❓ Помощь", "🌐 Язык"]],
    ("client", "bg"): [
        ["🛠 Подай сигнал за повреда"],
        ["📦 Монтаж, профилактика, модернизация"],
        ["📋 Моите заявки"],
        ["❓ Помощ", "🌐 Език"],
    ],
    ("engineer", "bg"): [
        ["📋 Отворени заявки", "🧰 Моите заявки"],
        ["📍 Сподели местоположението ми"],
        ["❓ Помощ", "🌐 Език"],
    ],
    ("manager", "bg"): [["📂 Отворени заявки", "📊 Днес"], ["❓ Помощ", "🌐 Език"]],
}


def command_lines(role: str, language: str) -> list[tuple[str, str]]:
    """The ``/command — description`` lines of that help, as (command, description)."""
    lines = [line.split(" — ", 1) for line in HELP[role, language].splitlines()]
    return [(name.removeprefix("/"), text) for name, text in (p for p in lines if len(p) == 2)]
