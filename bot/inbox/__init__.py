"""The durable inbox: updates persisted before they are acknowledged, claimed one per chat at a
time by workers in any process, marked done in the update's own transaction."""

from bot.inbox.store import InboxStore, chat_key
from bot.inbox.workers import InboxWorkers

__all__ = ["InboxStore", "InboxWorkers", "chat_key"]
