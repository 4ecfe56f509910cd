"""A bar chart of daily revenue as inline SVG, drawn on the server (no script, no CDN)."""

from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 240
LEFT, BOTTOM, TOP = 70, 30, 10


def revenue_chart(days: list[tuple[date, Decimal]]) -> Markup:
    """An SVG bar per day, its height proportional to that day's revenue."""
    peak = max((amount for _, amount in days), default=Decimal(0)) or Decimal(1)
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(days), 1)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="Daily revenue" class="revenue-chart">',
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH}" y2="{TOP + plot_height}" '
        'stroke="#888"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="11">{peak:,.2f}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_height}" text-anchor="end" font-size="11">0</text>',
    ]
    for index, (day, amount) in enumerate(days):
        bar = float(amount / peak) * plot_height
        x = LEFT + index * slot
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{TOP + plot_height - bar:.1f}" width="{slot - 4:.1f}" '
            f'height="{bar:.1f}" fill="#3b7ddd"><title>{escape(day.isoformat())}: '
            f"{amount:,.2f}</title></rect>"
        )
        if index % 5 == 0 or index == len(days) - 1:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
                f'font-size="11">{day:%d %b}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
