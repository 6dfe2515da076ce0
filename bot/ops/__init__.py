"""Running the bot in production: metrics and health over HTTP, backup and restore."""
