"""Delivery of the outbox: claiming queued messages, flood limits, retries. Framework-free."""

from bot.delivery.dispatcher import DeliverySettings, Dispatcher, SendFunction
from bot.delivery.limits import Rate

__all__ = ["DeliverySettings", "Dispatcher", "Rate", "SendFunction"]
