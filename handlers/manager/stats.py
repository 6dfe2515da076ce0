"""/stats, /trends and /engineers: figures for managers, in private or in the manager chat.

:class:`~handlers.manager.buttons.StatsPeriod` switches the /stats period.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import reports
from handlers.manager.buttons import Span, StatsPeriod
from handlers.manager.chat import MANAGERS, show
from handlers.texts import KIND, ticket_ref

router = Router()
PERIOD_NAMES = {
    Span.TODAY: N_("Figures for today, {first}"),
    Span.WEEK: N_("Figures for this week, {period}"),
    Span.MONTH: N_("Figures for this month, {period}"),
}
PERIOD_BUTTONS = {
    Span.TODAY: N_("Today"),
    Span.WEEK: N_("This week"),
    Span.MONTH: N_("This month"),
}


# -- /stats ---------------------------------------------------------------------------------------
def percent_line(ctx: Context, label: str, met: int, total: int, value: float | None) -> str:
    if value is None:
        return ctx._("{label}: no deadlines yet", label=label)
    return ctx._(
        "{label}: {percent} ({met} of {total})",
        label=label,
        percent=ctx.t.percent(value / 100),
        met=ctx.t.number(met),
        total=ctx.t.number(total),
    )


def rating_line(ctx: Context, figures: reports.Stats) -> str:
    if figures.average_rating is None:
        return ctx._("Average rating: no ratings yet")
    return ctx.ngettext(
        "Average rating: {rating} ({n} rating)",
        "Average rating: {rating} ({n} ratings)",
        len(figures.ratings),
        rating=ctx.t.number(figures.average_rating),
    )


def stats_text(ctx: Context, span: reports.Period, figures: reports.Stats) -> str:
    lines = [
        ctx._(
            PERIOD_NAMES[Span(span.name)],
            first=ctx.t.date(span.first),
            period=ctx.t.interval(span.first, span.last),
        ),
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
    lines += [
        rating_line(ctx, figures),
        ctx._("Complaints: {n}", n=ctx.t.number(figures.complaints)),
    ]
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


async def show_stats(ctx: Context, name: Span, in_place: bool = False) -> None:
    span = reports.period(name, ctx.now(), ctx.t.tz)
    figures = await reports.stats(ctx.session, span, ctx.now())
    buttons = [
        Button(("• " if key == name else "") + ctx._(label), StatsPeriod(period=key).pack())
        for key, label in PERIOD_BUTTONS.items()
    ]
    show(ctx, stats_text(ctx, span, figures), inline(buttons), in_place)


@router.command(
    "stats",
    roles=MANAGERS,
    help=N_("figures for today, this week or this month"),
    button=N_("📊 Today"),
)
async def stats_command(ctx: Context) -> None:
    name = ctx.event.args.strip().lower() or Span.TODAY
    if name not in reports.PERIODS:
        ctx.send(ctx._("Usage: /stats today, /stats week or /stats month."))
        return
    await show_stats(ctx, Span(name))


@router.callback(StatsPeriod, roles=MANAGERS)
async def stats_button(ctx: Context, button: StatsPeriod) -> None:
    await show_stats(ctx, button.period, in_place=True)


# -- /trends --------------------------------------------------------------------------------------
def repeat_lines(ctx: Context, repeats: list[reports.Repeat]) -> list[str]:
    if not repeats:
        return [ctx._("No repeat breakdowns within {days} days.", days=reports.REPEAT_DAYS)]
    heading = ctx._(
        "⚠️ Repeat breakdowns (the same equipment again within {days} days):",
        days=reports.REPEAT_DAYS,
    )
    return [heading] + [
        ctx._(
            "{serial} · {model} · {customer}: {tickets} (shortest gap {gap})",
            serial=repeat.serial,
            model=repeat.model,
            customer=repeat.customer,
            tickets=", ".join(ticket_ref(number) for number in repeat.ticket_ids),
            gap=ctx.t.duration(repeat.shortest_gap),
        )
        for repeat in repeats
    ]


def engineer_figures_line(ctx: Context, item: reports.EngineerFigures) -> str:
    """``Petar: 3 jobs closed · median time to resolve 2 hours · first-time fix 67% (2 of 3)
    · average rating 4.5 (2 ratings)``."""
    parts = [
        ctx.ngettext(
            "{name}: {n} job closed", "{name}: {n} jobs closed", item.closed, name=item.name
        )
    ]
    if item.median_resolve is not None:
        time = ctx.t.span(item.median_resolve)
        parts.append(ctx._("median time to resolve {time}", time=time))
    parts.append(
        ctx._(
            "first-time fix {percent} ({fixed} of {total})",
            percent=ctx.t.percent(item.first_time_fix_percent / 100),
            fixed=ctx.t.number(item.first_time_fixed),
            total=ctx.t.number(item.closed),
        )
    )
    if item.average_rating is None:
        parts.append(ctx._("no ratings"))
    else:
        parts.append(
            ctx.ngettext(
                "average rating {rating} ({n} rating)",
                "average rating {rating} ({n} ratings)",
                item.ratings,
                rating=ctx.t.number(round(item.average_rating, 1)),
            )
        )
    return " · ".join(parts)


def engineer_lines(ctx: Context, found: reports.Trends) -> list[str]:
    if not found.engineers:
        return [ctx._("No requests closed in the last {days} days.", days=reports.TREND_DAYS)]
    heading = ctx._("By engineer, jobs closed in the last {days} days:", days=reports.TREND_DAYS)
    return [heading] + [engineer_figures_line(ctx, item) for item in found.engineers]


def trends_text(ctx: Context, found: reports.Trends) -> str:
    lines = [
        ctx._(
            "Breakdowns in the last {days} days: {n}",
            days=reports.TREND_DAYS,
            n=ctx.t.number(found.breakdowns),
        )
    ]
    if found.breakdowns:
        lines += breakdown_lines(ctx, found)
    lines += ["", *engineer_lines(ctx, found)]
    return "\n".join(lines)


def breakdown_lines(ctx: Context, found: reports.Trends) -> list[str]:
    """Where the breakdowns were: models, customers, repeats, time to resolve by model."""
    lines: list[str] = []
    if found.models:
        lines += ["", ctx._("Models with the most breakdowns:")]
        lines += [f"{name}: {ctx.t.number(count)}" for name, count in found.models]
    lines += ["", ctx._("Customers with the most breakdowns:")]
    lines += [f"{name}: {ctx.t.number(count)}" for name, count in found.customers]
    lines += ["", *repeat_lines(ctx, found.repeats)]
    if found.resolve_times:
        lines += ["", ctx._("Mean time to resolve, by model:")]
        lines += [
            ctx.ngettext(
                "{model}: {time} ({n} request)",
                "{model}: {time} ({n} requests)",
                item.count,
                model=item.model,
                time=ctx.t.span(item.mean),
            )
            for item in found.resolve_times
        ]
    return lines


@router.command(
    "trends",
    roles=MANAGERS,
    help=N_("models and customers with the most breakdowns, repeat breakdowns"),
)
async def trends_command(ctx: Context) -> None:
    ctx.send(trends_text(ctx, await reports.trends(ctx.session, ctx.now())))


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


@router.command("engineers", roles=MANAGERS, help=N_("who is on duty, where and how busy"))
async def engineers_command(ctx: Context) -> None:
    found = await reports.engineers(ctx.session)
    if not found:
        ctx.send(ctx._("There are no engineers yet. /invite engineer makes an invite link."))
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
    ctx.send("\n".join(lines))
