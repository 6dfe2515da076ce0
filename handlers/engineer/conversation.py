"""An engineer talks to the customer of their job from its card: "💬 Message the customer",
"❓ Ask the customer" (the job then waits for the answer, its deadline paused) and
"📎 Attachments", the job's files sent again. Only their own jobs: the services check it."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.router import Router
from bot.services import conversation, jobs
from handlers.engineer.buttons import AskCustomer, JobFiles, MessageCustomer
from handlers.engineer.card import (
    DIALOG,
    ENGINEERS,
    card_message,
    from_card,
    job_step,
    my_job,
    refresh_card,
    wrong_step,
)
from handlers.talk import MESSAGE_PROMPT, message_or_ask, relay, send_files, start_writing
from storage.models import Ticket

router = Router()
QUESTION_PROMPT = N_(
    "Type your question to the customer about {ref}. The job waits for their answer, with the "
    "deadline paused; their reply puts it back. /cancel to stop."
)


async def start_on_job(ctx: Context, ticket_id: int, step: str, prompt: str) -> None:
    ticket = await my_job(ctx, ticket_id)
    fits = jobs.ASKING if step == "ask" else jobs.WORKING_STATUSES
    if ticket.status not in fits:
        await wrong_step(ctx, ticket)
        return
    await start_writing(ctx, ticket, step, prompt, dialog=DIALOG, **from_card(ctx))


@router.callback(MessageCustomer, roles=ENGINEERS)
async def message_pressed(ctx: Context, button: MessageCustomer) -> None:
    await start_on_job(ctx, button.ticket, "message", MESSAGE_PROMPT)


@router.callback(AskCustomer, roles=ENGINEERS)
async def ask_pressed(ctx: Context, button: AskCustomer) -> None:
    await start_on_job(ctx, button.ticket, "ask", QUESTION_PROMPT)


async def write(ctx: Context, ticket: Ticket, question: bool) -> None:
    said = message_or_ask(ctx)
    if said is None:
        return
    text, attachment = said
    card = card_message(ctx)
    await dialogs.end(ctx)
    done = await conversation.staff_writes(
        ctx.session,
        ticket,
        ctx.person,
        text,
        attachment,
        ctx.now(),
        ctx.settings,
        question=question,
    )
    await relay(ctx, done)
    await refresh_card(ctx, ticket, card)


@job_step(router, "message")
async def message_written(ctx: Context, ticket: Ticket) -> None:
    await write(ctx, ticket, question=False)


@job_step(router, "ask")
async def question_written(ctx: Context, ticket: Ticket) -> None:
    await write(ctx, ticket, question=True)


@router.callback(JobFiles, roles=ENGINEERS)
async def files_pressed(ctx: Context, button: JobFiles) -> None:
    await send_files(ctx, await my_job(ctx, button.ticket))
