"""The manager buttons that notices carry, one function per button.

TRANSITIONAL: the manager flows' typed button classes (``handlers/manager/buttons.py``) take
the place of these strings at merge, e.g. ``OpenTicket(ticket=ticket_id).pack()``. The router
lets only managers press them.
"""

from __future__ import annotations


def open_ticket(ticket_id: int) -> str:
    """``mg:t:<ticket>``: the ticket's card."""
    return f"mg:t:{ticket_id}"


def assign_ticket(ticket_id: int) -> str:
    """``mg:as:<ticket>``: choose an engineer for the ticket (assign or reassign)."""
    return f"mg:as:{ticket_id}"


def customer_tickets(customer_id: int) -> str:
    """``mg:cu:<customer>``: the customer's open tickets."""
    return f"mg:cu:{customer_id}"
