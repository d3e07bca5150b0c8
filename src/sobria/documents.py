"""Rendering documents from package templates: one Jinja2 set-up and one HTML-to-PDF path.

Used by the charter, the audit report and the committee pack. Nothing is fetched: templates are
package data, and WeasyPrint only sees inline CSS and SVG and the system's local fonts.
"""

from __future__ import annotations

import warnings
from importlib import resources

import jinja2


def template_environment(package: str, folder: str = "templates") -> jinja2.Environment:
    """Templates of ``package``/``folder``; autoescape for ``*.html.j2``; undefined names fail."""
    root = resources.files(package) / folder

    def load(name: str) -> str:
        return (root / name).read_text(encoding="utf-8")

    return jinja2.Environment(loader=jinja2.FunctionLoader(load),
                              autoescape=jinja2.select_autoescape(["html.j2"]),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def html_to_pdf(html: str) -> bytes:
    """An HTML document printed as PDF by WeasyPrint (its @page rules set the paper size)."""
    with warnings.catch_warnings():  # WeasyPrint warns at import when libharfbuzz-subset is absent
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint

    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf
