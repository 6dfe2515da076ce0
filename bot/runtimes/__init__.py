"""Thin adapters between a Telegram framework and the core. The only framework importers."""
