"""Inline SVG charts, generated in Python: no JavaScript, no external font, deterministic output.

Every chart carries a <title> and a <desc> (its figures as text) for screen readers, prints its
values as text labels, and draws uncertainty as a min–max error bar around the central value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sobria.ranges import Range

BAR = "#2f7d6d"
INK = "#1f2a28"
MUTED = "#5b6b67"
GRID = "#d5dedb"
PALETTE = ("#2f7d6d", "#e0a526", "#6c8ebf", "#c0504d", "#8064a2", "#9bbb59", "#4bacc6", "#7f7f7f")
FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"'
LABEL_CHARS = 34
CROWDED_SLOT = 64.0


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its range (drawn as central value and error bar) and the value as text."""

    label: str
    value: Range
    text: str
    detail: str = ""     # longer text for the description (e.g. the range), else ``text``


@dataclass(frozen=True)
class Part:
    """One slice of a 100 % bar."""

    label: str
    share: float
    text: str


def _f(x: float) -> str:
    return f"{x:.1f}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(chart_id)}-title '
        f'{escape(chart_id)}-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} '
        f'font-size="12">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def describe(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{b.label}: {b.detail or b.text}" for b in bars)


def _scale(bars: Sequence[Bar]) -> float:
    top = max((b.value.max for b in bars), default=0.0)
    return top if top > 0 else 1.0


def _error_bar_h(x0: float, x1: float, y: float) -> str:
    return (f'<path d="M{_f(x0)} {_f(y)}H{_f(x1)}M{_f(x0)} {_f(y - 5)}V{_f(y + 5)}M{_f(x1)} {_f(y - 5)}'
            f'V{_f(y + 5)}" stroke="{INK}" stroke-width="1.2" fill="none"/>')


def hbar_chart(chart_id: str, title: str, bars: Sequence[Bar], width: int = 660) -> str:
    """Horizontal bars (central value) with min–max error bars, one row per item."""
    label_w, value_w, row_h, top = 230, 120, 26, 8
    plot_w = width - label_w - value_w
    height = top * 2 + row_h * max(len(bars), 1)
    scale = plot_w / _scale(bars)
    out = _open(chart_id, title, describe(bars), width, height)
    out.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - top}" stroke="{GRID}"/>')
    for i, b in enumerate(bars):
        y = top + i * row_h
        mid = y + row_h / 2
        out.append(f'<text x="{label_w - 8}" y="{_f(mid + 4)}" text-anchor="end" fill="{INK}">'
                   f'{escape(_short(b.label))}</text>')
        out.append(f'<rect x="{label_w}" y="{_f(mid - 7)}" width="{_f(b.value.central * scale)}" height="14" '
                   f'fill="{BAR}"/>')
        if b.value.max > b.value.min:
            out.append(_error_bar_h(label_w + b.value.min * scale, label_w + b.value.max * scale, mid))
        out.append(f'<text x="{_f(label_w + b.value.max * scale + 8)}" y="{_f(mid + 4)}" fill="{MUTED}">'
                   f'{escape(b.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def column_chart(chart_id: str, title: str, bars: Sequence[Bar], width: int = 660, height: int = 240) -> str:
    """Vertical columns (central value) with min–max error bars, e.g. one per month.

    When the columns are too narrow for horizontal labels (over ~10 columns), labels are turned."""
    slot = (width - 20) / max(len(bars), 1)
    crowded = slot < CROWDED_SLOT
    left, right, top, bottom = 10, 10, (78 if crowded else 22), (64 if crowded else 34)
    height += (top - 22) + (bottom - 34)
    plot_h = height - top - bottom
    col_w = min(48.0, slot * 0.6)
    scale = plot_h / _scale(bars)
    base = height - bottom
    out = _open(chart_id, title, describe(bars), width, height)
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{MUTED}"/>')
    for i, b in enumerate(bars):
        cx = left + slot * (i + 0.5)
        h = b.value.central * scale
        out.append(f'<rect x="{_f(cx - col_w / 2)}" y="{_f(base - h)}" width="{_f(col_w)}" height="{_f(h)}" '
                   f'fill="{BAR}"/>')
        y0, y1 = base - b.value.min * scale, base - b.value.max * scale
        if b.value.max > b.value.min:
            out.append(f'<path d="M{_f(cx)} {_f(y0)}V{_f(y1)}M{_f(cx - 5)} {_f(y0)}H{_f(cx + 5)}'
                       f'M{_f(cx - 5)} {_f(y1)}H{_f(cx + 5)}" stroke="{INK}" stroke-width="1.2" fill="none"/>')
        if crowded:
            out.append(f'<text transform="translate({_f(cx + 4)} {_f(y1 - 6)}) rotate(-90)" fill="{MUTED}" '
                       f'font-size="11">{escape(b.text)}</text>')
            out.append(f'<text transform="translate({_f(cx + 4)} {_f(base + 10)}) rotate(-45)" text-anchor="end" '
                       f'fill="{INK}">{escape(_short(b.label))}</text>')
            continue
        out.append(f'<text x="{_f(cx)}" y="{_f(y1 - 6)}" text-anchor="middle" fill="{MUTED}" font-size="11">'
                   f'{escape(b.text)}</text>')
        out.append(f'<text x="{_f(cx)}" y="{base + 18}" text-anchor="middle" fill="{INK}">'
                   f'{escape(_short(b.label))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def share_bar(chart_id: str, title: str, parts: Sequence[Part], width: int = 660) -> str:
    """One 100 % stacked bar with a legend underneath (shares of a whole)."""
    bar_h, legend_row = 26, 20
    height = bar_h + 14 + legend_row * max(len(parts), 1)
    total = sum(p.share for p in parts) or 1.0
    out = _open(chart_id, title, "; ".join(f"{p.label}: {p.text}" for p in parts), width, height)
    x = 0.0
    for i, p in enumerate(parts):
        w = width * p.share / total
        out.append(f'<rect x="{_f(x)}" y="0" width="{_f(w)}" height="{bar_h}" fill="{PALETTE[i % len(PALETTE)]}"/>')
        x += w
    for i, p in enumerate(parts):
        y = bar_h + 14 + i * legend_row
        out.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="18" y="{y + 10}" fill="{INK}">{escape(p.label)} — {escape(p.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)
