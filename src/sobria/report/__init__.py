"""The AI footprint report: self-contained HTML (and PDF) for a board, built from an audit result."""

from sobria.report.html import build_view, render_html, render_pdf

__all__ = ["build_view", "render_html", "render_pdf"]
