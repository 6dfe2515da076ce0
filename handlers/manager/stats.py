"""/stats, /trends and /engineers: figures for managers, in private or in the manager chat.

Buttons: ``ms:<today|week|month>`` switches the /stats period (managers only).
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import reports
from handlers.manager.chat import MANAGERS, reply, show
from handlers.texts import KIND, N_, ticket_ref

router = Router()
PERIOD_NAMES = {
    "today": N_("Figures for today, {first}"),
    "week": N_("Figures for this week, {first} – {last}"),
    "month": N_("Figures for this month, {first} – {last}"),
}
PERIOD_BUTTONS = {"today": N_("Today"), "week": N_("This week"), "month": N_("This month")}


# -- /stats ---------------------------------------------------------------------------------------
def percent_line(ctx: Context, label: str, met: int, total: int, value: float | None) -> str:
    if value is None:
        return ctx._("{label}: no deadlines yet", label=label)
    return ctx._(
        "{label}: {percent}% ({met} of {total})",
        label=label,
        percent=ctx.t.number(value),
        met=ctx.t.number(met),
        total=ctx.t.number(total),
    )


def stats_text(ctx: Context, span: reports.Period, figures: reports.Stats) -> str:
    lines = [
        ctx._(PERIOD_NAMES[span.name], first=ctx.t.date(span.first), last=ctx.t.date(span.last)),
        ctx._("Opened: {n}", n=ctx.t.number(figures.opened)),
        ctx._("Closed: {n}", n=ctx.t.number(figures.closed)),
        percent_line(
            ctx,
            ctx._("Response on time"),
            figures.response_met,
            figures.response_total,
            figures.response_percent,
        ),
        percent_line(
            ctx,
            ctx._("Resolution on time"),
            figures.resolution_met,
            figures.resolution_total,
            figures.resolution_percent,
        ),
    ]
    if figures.average_rating is None:
        lines.append(ctx._("Average rating: no ratings yet"))
    else:
        lines.append(
            ctx.ngettext(
                "Average rating: {rating} ({n} rating)",
                "Average rating: {rating} ({n} ratings)",
                len(figures.ratings),
                rating=ctx.t.number(figures.average_rating),
            )
        )
    lines.append(ctx._("Complaints: {n}", n=ctx.t.number(figures.complaints)))
    if figures.by_kind:
        lines += ["", ctx._("By kind:")]
        lines += [
            ctx._(
                "{kind}: opened {opened}, closed {closed}",
                kind=ctx._(KIND[kind]),
                opened=ctx.t.number(values.opened),
                closed=ctx.t.number(values.closed),
            )
            for kind, values in sorted(figures.by_kind.items())
        ]
    return "\n".join(lines)


async def show_stats(ctx: Context, name: str, in_place: bool = False) -> None:
    span = reports.period(name, ctx.now(), ctx.t.tz)
    figures = await reports.stats(ctx.session, span, ctx.now())
    buttons = [
        Button(("• " if key == name else "") + ctx._(label), f"ms:{key}")
        for key, label in PERIOD_BUTTONS.items()
    ]
    show(ctx, stats_text(ctx, span, figures), inline(buttons), in_place)


@router.command("stats", roles=MANAGERS)
async def stats_command(ctx: Context) -> None:
    name = ctx.event.args.strip().lower() or "today"
    if name not in reports.PERIODS:
        reply(ctx, ctx._("Usage: /stats today, /stats week or /stats month."))
        return
    await show_stats(ctx, name)


@router.callback("ms", roles=MANAGERS)
async def stats_button(ctx: Context) -> None:
    name = ctx.event.button_argument
    if name not in reports.PERIODS:
        ctx.answer(ctx._("This button is no longer active."))
        return
    ctx.answer()
    await show_stats(ctx, name, in_place=True)


# -- /trends --------------------------------------------------------------------------------------
def trends_text(ctx: Context, found: reports.Trends) -> str:
    lines = [
        ctx._(
            "Breakdowns in the last {days} days: {n}",
            days=reports.TREND_DAYS,
            n=ctx.t.number(found.breakdowns),
        )
    ]
    if not found.breakdowns:
        return "\n".join(lines)
    if found.models:
        lines += ["", ctx._("Models with the most breakdowns:")]
        lines += [f"{name}: {ctx.t.number(count)}" for name, count in found.models]
    lines += ["", ctx._("Customers with the most breakdowns:")]
    lines += [f"{name}: {ctx.t.number(count)}" for name, count in found.customers]
    lines.append("")
    if found.repeats:
        lines.append(
            ctx._(
                "⚠️ Repeat breakdowns (the same equipment again within {days} days):",
                days=reports.REPEAT_DAYS,
            )
        )
        lines += [
            ctx._(
                "{serial} · {model} · {customer}: {tickets} (shortest gap {gap})",
                serial=repeat.serial,
                model=repeat.model,
                customer=repeat.customer,
                tickets=", ".join(ticket_ref(number) for number in repeat.ticket_ids),
                gap=ctx.t.duration(repeat.shortest_gap),
            )
            for repeat in found.repeats
        ]
    else:
        lines.append(ctx._("No repeat breakdowns within {days} days.", days=reports.REPEAT_DAYS))
    if found.resolve_times:
        lines += ["", ctx._("Mean time to resolve, by model:")]
        lines += [
            ctx.ngettext(
                "{model}: {time} ({n} request)",
                "{model}: {time} ({n} requests)",
                item.count,
                model=item.model,
                time=ctx.t.duration(item.mean),
            )
            for item in found.resolve_times
        ]
    return "\n".join(lines)


@router.command("trends", roles=MANAGERS)
async def trends_command(ctx: Context) -> None:
    reply(ctx, trends_text(ctx, await reports.trends(ctx.session, ctx.now())))


# -- /engineers -----------------------------------------------------------------------------------
def engineer_line(ctx: Context, item: reports.EngineerStatus) -> str:
    person = item.person
    if person.located_at is not None:
        where = ctx._("location {age} ago", age=ctx.t.duration(ctx.now() - person.located_at))
    else:
        where = ctx._("no location shared")
    return ctx._(
        "{mark} {name} · {duty} · {where} · {jobs}",
        mark="🟢" if person.on_duty else "💤",
        name=person.name,
        duty=ctx._("on duty") if person.on_duty else ctx._("off duty"),
        where=where,
        jobs=ctx.ngettext("{n} open job", "{n} open jobs", item.open_jobs),
    )


@router.command("engineers", roles=MANAGERS)
async def engineers_command(ctx: Context) -> None:
    found = await reports.engineers(ctx.session)
    if not found:
        reply(ctx, ctx._("There are no engineers yet. /invite engineer makes an invite link."))
        return
    on_duty = sum(item.person.on_duty for item in found)
    lines = [
        ctx.ngettext(
            "{n} engineer, {on_duty} on duty:",
            "{n} engineers, {on_duty} on duty:",
            len(found),
            on_duty=on_duty,
        )
    ]
    lines += [engineer_line(ctx, item) for item in found]
    reply(ctx, "\n".join(lines))
