"""Server-rendered SVG charts of the analysis report: no JavaScript, the same markup on the
page and in the PDF. Every text is escaped; numbers are formatted here."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .choices import Level
from .scoring import one_decimal

#: Colours of the five levels, best first; readable in grey print too.
LEVEL_COLOURS = {
    Level.SATISFIED: "#2e7d32",
    Level.FAIRLY_SATISFIED: "#8bc34a",
    Level.NEUTRAL: "#fbc02d",
    Level.NOT_VERY_SATISFIED: "#ef6c00",
    Level.DISSATISFIED: "#c62828",
}
FONT = 'font-family="Noto Sans CJK SC, sans-serif"'


def _svg(width, height, body, label):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">{body}</svg>'
    )


def _text_width(text, size):
    """Rough width of ``text`` in pixels: CJK characters are square, Latin ones about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def _pct(value):
    return "–" if value is None else f"{one_decimal(value)}%"


def item_bars(report):
    """Mean score of each item (and sub-item) as a percentage of its points, with the target."""
    rows = []
    for row in report.items:
        rows.append((row.item.display_text, row.stats.percent, True))
        rows.extend(("· " + sub.sub_item.display_text, sub.stats.percent, False) for sub in row.sub_rows)
    label_w, bar_w, row_h = 230, 380, 24
    width, height = label_w + bar_w + 70, row_h * len(rows) + 40
    parts = []
    for i, (label, percent, is_item) in enumerate(rows):
        y = 10 + i * row_h
        weight = ' font-weight="bold"' if is_item else ""
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12" {FONT}{weight}>{escape(label[:28])}</text>'
        )
        if percent is not None:
            w = float(percent) / 100 * bar_w
            below = percent < report.campaign.target_rate
            colour = "#c62828" if below else ("#1565c0" if is_item else "#64b5f6")
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 16}" font-size="12" {FONT}>{_pct(percent)}</text>')
    target_x = label_w + float(report.campaign.target_rate) / 100 * bar_w
    bottom = 10 + len(rows) * row_h
    parts.append(
        f'<line x1="{target_x:.1f}" y1="6" x2="{target_x:.1f}" y2="{bottom}" stroke="#333" stroke-dasharray="4 3"/>'
        f'<text x="{target_x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="11" {FONT}>'
        f"{escape(_('target'))} {_pct(report.campaign.target_rate)}</text>"
    )
    return _svg(width, height, "".join(parts), _("Mean score per item as a share of its points"))


def level_distribution(report):
    """For each item, the shares of the five levels as a stacked bar, with a legend."""
    label_w, bar_w, row_h = 230, 380, 24
    rows = []
    for row in report.items:
        if row.sub_rows:
            counts = {lv: sum(s.stats.distribution[lv] for s in row.sub_rows) for lv in Level}
        else:
            counts = row.stats.distribution
        rows.append((row.item.display_text, counts))
    legend_w = sum(28 + _text_width(str(level.label), 11) for level in Level)
    width, height = max(label_w + bar_w + 20, int(legend_w) + 20), row_h * len(rows) + 50
    parts = []
    for i, (label, counts) in enumerate(rows):
        y = 10 + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12" {FONT}>{escape(label[:28])}</text>'
        )
        total = sum(counts.values())
        x = float(label_w)
        for level in Level:
            if not total or not counts[level]:
                continue
            w = counts[level] / total * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{LEVEL_COLOURS[level]}">'
                f"<title>{escape(level.label)}: {counts[level]}</title></rect>"
            )
            x += w
    legend_y = 20 + len(rows) * row_h
    x = 10
    for level in Level:
        parts.append(
            f'<rect x="{x:.0f}" y="{legend_y}" width="10" height="10" fill="{LEVEL_COLOURS[level]}"/>'
            f'<text x="{x + 14:.0f}" y="{legend_y + 9}" font-size="11" {FONT}>{escape(level.label)}</text>'
        )
        x += 14 + _text_width(str(level.label), 11) + 14
    return _svg(width, height, "".join(parts), _("Distribution of the answer levels per item"))


def trend(report):
    """Satisfaction rate of this and the earlier campaigns, against each one's target."""
    points = report.trend
    width, height, left, top, plot_h = 640, 230, 50, 20, 160
    step = (width - left - 20) / max(len(points), 1)
    low = min(
        [Decimal(50)] + [p.rate * 100 for p in points if p.rate is not None] + [p.campaign.target_rate for p in points]
    )
    low = max(Decimal(0), (low // 10) * 10)

    def y_of(value):
        return top + plot_h - float((value - low) / (Decimal(100) - low)) * plot_h

    parts = []
    for tick in range(int(low), 101, 10):
        y = y_of(Decimal(tick))
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10" {FONT}>{tick}%</text>'
        )
    line = []
    for i, point in enumerate(points):
        x = left + step * i + step / 2
        target_y = y_of(point.campaign.target_rate)
        parts.append(
            f'<line x1="{x - step / 3:.1f}" y1="{target_y:.1f}" x2="{x + step / 3:.1f}" y2="{target_y:.1f}" '
            f'stroke="#333" stroke-dasharray="4 3"/>'
        )
        if point.rate is not None:
            y = y_of(point.rate * 100)
            line.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1565c0"/>'
                f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11" {FONT}>{_pct(point.rate * 100)}</text>'
            )
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="11" {FONT}>'
            f"{escape(point.campaign.title[:18])}</text>"
        )
    if len(line) > 1:
        parts.insert(0, f'<polyline points="{" ".join(line)}" fill="none" stroke="#1565c0" stroke-width="2"/>')
    return _svg(width, height, "".join(parts), _("Satisfaction rate over the campaigns (dashed: target)"))


def report_charts(report):
    return {"items": item_bars(report), "levels": level_distribution(report), "trend": trend(report)}
