"""The AI × CSR matrix as a self-contained SVG (no script, no font or network reference).

x is the AI axis (0–100, left to right), y the CSR axis (0–100, bottom to top); the 50 lines
split the four profiles. An optional earlier assessment is drawn with an arrow to the current one.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from sobria.governance.maturity.matrix import HIGH, Assessment
from sobria.i18n import Translator

SIZE = 480
MARGIN = 56
PLOT = SIZE - 2 * MARGIN
_FILL = {"attentistes": "#eef0f2", "engages_prudents": "#e3f1e6", "fonceurs_aveugles": "#fbe9e4",
         "leaders_responsables": "#d9efe0"}
_QUADRANTS = (("engages_prudents", 0.0, HIGH), ("leaders_responsables", HIGH, HIGH),
              ("attentistes", 0.0, 0.0), ("fonceurs_aveugles", HIGH, 0.0))


def _x(score: float) -> float:
    return MARGIN + PLOT * score / 100.0


def _y(score: float) -> float:
    return MARGIN + PLOT * (1.0 - score / 100.0)


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "middle", extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-family="sans-serif"{extra}>{escape(text)}</text>')


def matrix_svg(current: Assessment, t: Translator, before: Assessment | None = None) -> str:
    """The matrix with ``current`` (and ``before``, if given) placed on it."""
    half = PLOT / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
             f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label="{escape(t("gov.maturity.chart.title"))}">',
             f"<title>{escape(t('gov.maturity.chart.title'))}</title>"]
    for profile, ai_low, csr_low in _QUADRANTS:
        x, y = _x(ai_low), _y(csr_low + HIGH)
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{half:.1f}" height="{half:.1f}" '
                     f'fill="{_FILL[profile]}" stroke="#8a949e"/>')
        parts.append(_text(x + half / 2, y + 20, t(f"gov.maturity.profile.{profile}"), 13, extra=' font-weight="bold"'))
    parts.append(_text(MARGIN + half, SIZE - 16, t("gov.maturity.chart.x_axis")))
    parts.append(_text(18, MARGIN + half, t("gov.maturity.chart.y_axis"),
                       extra=f' transform="rotate(-90 18 {MARGIN + half:.1f})"'))
    for value in (0, 50, 100):
        parts.append(_text(_x(value), SIZE - MARGIN + 16, str(value), 10))
        parts.append(_text(MARGIN - 8, _y(value) + 4, str(value), 10, "end"))
    if before is not None:
        parts.append(f'<line x1="{_x(before.ai_score):.1f}" y1="{_y(before.csr_score):.1f}" '
                     f'x2="{_x(current.ai_score):.1f}" y2="{_y(current.csr_score):.1f}" stroke="#5b6770" '
                     'stroke-width="2" stroke-dasharray="6 4"/>')
        parts.append(_point(before, "#9aa5ae", t("gov.maturity.chart.before", date=before.date or "-")))
    parts.append(_point(current, "#1f6f43", t("gov.maturity.chart.now", date=current.date or "-")))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _point(a: Assessment, colour: str, label: str) -> str:
    x, y = _x(a.ai_score), _y(a.csr_score)
    anchor = "end" if a.ai_score > 70 else "start"
    dx = -12 if anchor == "end" else 12
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{colour}" stroke="#ffffff" stroke-width="2"/>'
            + _text(x + dx, y + 4, label, 12, anchor))
