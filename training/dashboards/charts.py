"""Server-rendered SVG charts: no JavaScript, no Node.js, printable.

Each chart is a ``role="img"`` SVG with a title; the same numbers are always
in a table next to it for people who cannot see it.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from training.services.dashboards import numbers

COLORS = {
    "reached": "#198754",
    "close": "#20c997",
    "behind": "#fd7e14",
    "none": "#adb5bd",
    "bar": "#8b1e1e",
    "line": "#0d6efd",
}
FONT = 'font-family="system-ui, sans-serif"'


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg class="dashboard-chart {css_class}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def stacked_bar(title: str, segments: list[tuple[str, int, str]]) -> SafeString:
    """Return one horizontal bar split into ``(label, count, color key)`` segments."""
    width, bar_height = 600, 34
    total = sum(count for _label, count, _key in segments)
    body, x = [], 0.0
    for label, count, key in segments:
        if total and count:
            share = width * count / total
            body.append(
                f'<rect x="{x:.1f}" y="0" width="{share:.1f}" height="{bar_height}" '
                f'fill="{COLORS[key]}"><title>{escape(label)}: '
                f"{numbers.integer(count)}</title></rect>"
            )
            if share > 48:
                body.append(
                    f'<text x="{x + share / 2:.1f}" y="{bar_height / 2 + 5:.1f}" {FONT} '
                    f'font-size="14" fill="#fff" text-anchor="middle">'
                    f"{numbers.percent(numbers.ratio(count, total))}</text>"
                )
            x += share
    if not total:
        body.append(f'<rect x="0" y="0" width="{width}" height="{bar_height}" fill="#e9ecef"/>')
    legend = "".join(
        f'<li><span class="chart-swatch" style="background:{COLORS[key]}"></span>'
        f"{escape(label)} ({numbers.integer(count)})</li>"
        for label, count, key in segments
    )
    return mark_safe(  # noqa: S308 - escaped above
        _svg(width, bar_height, title, body, "chart-attainment")
        + f'<ul class="chart-legend list-inline small mb-0 mt-1">{legend}</ul>'
    )


def bar_chart(title: str, items: list[tuple[str, int]]) -> SafeString:
    """Return vertical bars for ``(label, value)`` items."""
    width, height, top, bottom, left = 600, 220, 18, 28, 8
    plot = height - top - bottom
    peak = max((value for _label, value in items), default=0) or 1
    slot = (width - left) / max(len(items), 1)
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#6c757d"/>'
    ]
    for index, (label, value) in enumerate(items):
        bar = plot * value / peak
        x = left + index * slot + slot * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{height - bottom - bar:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar:.1f}" fill="{COLORS["bar"]}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom - bar - 4:.1f}" {FONT} '
            f'font-size="12" text-anchor="middle">{numbers.integer(value)}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height - 8}" {FONT} font-size="12" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(width, height, title, body, "chart-bar")


def line_chart(title: str, items: list[tuple[str, int]]) -> SafeString:
    """Return a trend line through ``(label, value)`` points, e.g. one per month."""
    width, height, top, bottom, left, right = 600, 220, 20, 28, 10, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((value for _label, value in items), default=0) or 1
    step = plot_w / max(len(items) - 1, 1)
    points = [
        (left + index * step, top + plot_h - plot_h * value / peak)
        for index, (_label, value) in enumerate(items)
    ]
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#6c757d"/>',
        '<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>'.format(
            COLORS["line"], " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        ),
    ]
    for (x, y), (label, value) in zip(points, items, strict=True):
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS["line"]}">'
            f"<title>{escape(label)}: {numbers.integer(value)}</title></circle>"
            f'<text x="{x:.1f}" y="{height - 8}" {FONT} font-size="11" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
        if value:
            body.append(
                f'<text x="{x:.1f}" y="{y - 7:.1f}" {FONT} font-size="11" '
                f'text-anchor="middle">{numbers.integer(value)}</text>'
            )
    return _svg(width, height, title, body, "chart-line")


def percent_bars(title: str, items: list[tuple[str, float | None]]) -> SafeString:
    """Return horizontal 0-100 % bars for ``(label, percent)`` items (e.g. per unit)."""
    return value_bars(title, items, peak=100, show=numbers.percent)


def value_bars(
    title: str, items: list[tuple[str, float | None]], *, peak: float, show
) -> SafeString:
    """Return horizontal 0-``peak`` bars for ``(label, value)`` items, written by ``show``."""
    label_w, bar_w, row_h, caption_h = 320, 330, 24, 24
    height = max(len(items), 1) * row_h + 4 + caption_h
    # The metric is written above the bars, not only in the title a screen reader gets.
    body = [f'<text x="0" y="16" {FONT} font-size="13" font-weight="600">{escape(title)}</text>']
    for index, (label, value) in enumerate(items):
        y = index * row_h + 2 + caption_h
        short = label if len(label) <= 44 else f"{label[:43]}…"
        body.append(
            f'<text x="{label_w - 6}" y="{y + 15}" {FONT} font-size="12" text-anchor="end">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="16" fill="#e9ecef"/>'
        )
        if value is not None:
            filled = bar_w * min(float(value) / peak, 1)
            body.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{filled:.1f}" height="16" '
                f'fill="{COLORS["reached"]}"/>'
            )
        body.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + 15}" {FONT} font-size="12">'
            f"{show(value)}</text>"
        )
    return _svg(label_w + bar_w + 60, height, title, body, "chart-percent")
