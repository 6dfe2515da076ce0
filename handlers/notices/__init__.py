"""Every message the bot sends on its own (alerts, escalations, pushes, digests), rendered
from what the services say happened, in each reader's language, queued in the outbox."""
