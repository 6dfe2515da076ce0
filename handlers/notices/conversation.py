"""Messages people write through a ticket, relayed to the other side: a customer's to the
engineer on the job (or the managers' chat before anyone took it), a staff message or question
to the customer. Each shows who wrote, on which ticket, the text and the file itself (sent
again by its Telegram file id), and carries the ticket, so a Telegram reply to it is an
answer on that ticket.
"""

from __future__ import annotations

from bot.core.i18n import Translator
from bot.core.replies import Button, Markup, inline, shorten
from bot.services.conversation import Said
from handlers.client.buttons import TicketDetails, WriteToTicket
from handlers.engineer.buttons import MessageCustomer, OpenMyJob
from handlers.manager.buttons import OpenTicket, WriteCustomer
from handlers.notices.outbox import Render, Speaker, to_managers, to_person
from handlers.texts import STATUS, ticket_ref
from storage.models import Customer

# Outbox kinds: a staff member's Telegram reply to a CUSTOMER_MESSAGE answers the customer.
CUSTOMER_MESSAGE = "customer_message"
STAFF_MESSAGE = "staff_message"
CAPTION_LIMIT = 1024  # Telegram's limit for the caption of a file


def _fit(text: str, said: Said) -> str:
    return shorten(text, CAPTION_LIMIT) if said.attachment is not None else text


def from_customer(said: Said, customer: str) -> Render:
    ticket, ref = said.ticket, ticket_ref(said.ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        if said.to_managers:
            head = t._(
                "💬 {name} ({customer}) wrote about {ref}, which nobody has taken yet:",
                name=said.author.name,
                customer=customer,
                ref=ref,
            )
        else:
            head = t._(
                "💬 {name} ({customer}) wrote about {ref}:",
                name=said.author.name,
                customer=customer,
                ref=ref,
            )
        lines = [head]
        if said.text:
            lines.append(said.text)
        if said.moved is not None:
            lines.append(
                t._(
                    "That answers your question: {ref} is back to “{status}”.",
                    ref=ref,
                    status=t._(STATUS[said.moved.status]),
                )
            )
        lines.append(t._("Reply to this message to answer the customer."))
        if said.to_managers:
            rows = [
                [Button(t._("💬 Write to customer"), WriteCustomer(ticket=ticket.id).pack())],
                [Button(t._("🔎 Open"), OpenTicket(ticket=ticket.id).pack())],
            ]
        else:
            rows = [
                [Button(t._("💬 Reply"), MessageCustomer(ticket=ticket.id).pack())],
                [Button(t._("Open the job"), OpenMyJob(ticket=ticket.id).pack())],
            ]
        return _fit("\n".join(lines), said), inline(*rows)

    return render


def from_staff(said: Said) -> Render:
    ticket, ref = said.ticket, ticket_ref(said.ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        if said.question:
            head = t._(
                "❓ {name} from the service team asks about your request {ref}:",
                name=said.author.name,
                ref=ref,
            )
        else:
            head = t._(
                "💬 {name} from the service team about your request {ref}:",
                name=said.author.name,
                ref=ref,
            )
        lines = [head]
        if said.text:
            lines.append(said.text)
        if said.question:
            lines.append(t._("Please reply to this message with your answer."))
        else:
            lines.append(t._("Reply to this message to answer."))
        rows = [
            [Button(t._("💬 Write"), WriteToTicket(ticket=ticket.id).pack())],
            [Button(t._("Request details"), TicketDetails(ticket=ticket.id).pack())],
        ]
        return _fit("\n".join(lines), said), inline(*rows)

    return render


async def said(speaker: Speaker, said: Said) -> bool:
    """Relay what was said on a ticket to the other side, with its file; False when there is
    nobody to relay it to (no managers' chat is configured)."""
    media = (said.attachment,) if said.attachment is not None else ()
    ticket_id = said.ticket.id
    if said.from_customer:
        customer = await speaker.session.get(Customer, said.ticket.customer_id)
        render = from_customer(said, customer.name if customer is not None else "")
        if said.recipient is not None:
            await to_person(
                speaker, said.recipient, render, CUSTOMER_MESSAGE, ticket_id=ticket_id, media=media
            )
            return True
        return await to_managers(
            speaker, render, CUSTOMER_MESSAGE, ticket_id=ticket_id, media=media
        )
    assert said.recipient is not None
    await to_person(
        speaker, said.recipient, from_staff(said), STAFF_MESSAGE, ticket_id=ticket_id, media=media
    )
    return True
