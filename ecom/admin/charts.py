"""A bar chart of daily revenue as inline SVG, drawn on the server (no script, no CDN)."""

from datetime import date
from decimal import ROUND_CEILING, Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 240
LEFT, BOTTOM, TOP = 70, 30, 10


def axis_ticks(peak: Decimal, count: int = 4) -> list[Decimal]:
    """Round values from 0 up to at least ``peak``, about ``count`` steps of 1, 2 or 5 × a
    power of ten."""
    if peak <= 0:
        return [Decimal(0), Decimal(1)]
    rough = peak / count
    magnitude = Decimal(10) ** rough.adjusted()
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    steps = int((peak / step).to_integral_value(ROUND_CEILING))
    return [step * n for n in range(steps + 1)]


def revenue_chart(days: list[tuple[date, Decimal]], currency: str) -> Markup:
    """An SVG bar per day, its height proportional to that day's revenue, on a y-axis of
    round amounts in ``currency``."""
    ticks = axis_ticks(max((amount for _, amount in days), default=Decimal(0)))
    top = ticks[-1]
    label = "{:,.0f}" if ticks[1] >= 1 else "{:,.2f}"
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(days), 1)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="Daily revenue in {escape(currency)}" class="revenue-chart">',
        f'<text x="4" y="{TOP + 4}" font-size="11" font-weight="600">{escape(currency)}</text>',
    ]
    for tick in ticks:
        y = TOP + plot_height - float(tick / top) * plot_height
        colour = "#888" if tick == 0 else "#e3e3e3"
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}" stroke="{colour}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'class="y-tick">{label.format(tick)}</text>'
        )
    for index, (day, amount) in enumerate(days):
        bar = float(amount / top) * plot_height
        x = LEFT + index * slot
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{TOP + plot_height - bar:.1f}" width="{slot - 4:.1f}" '
            f'height="{bar:.1f}" fill="#3b7ddd"><title>{escape(day.isoformat())}: '
            f"{amount:,.2f} {escape(currency)}</title></rect>"
        )
        if index % 5 == 0 or index == len(days) - 1:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
                f'font-size="11">{day:%d %b}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
