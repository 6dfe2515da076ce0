"""For everyone: /start and deep links, /help and the menus, /language, /cancel, fallbacks."""
