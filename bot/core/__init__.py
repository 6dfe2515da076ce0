"""Channel-neutral conversation engine. Imports no Telegram framework."""
