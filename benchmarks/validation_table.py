"""Sobria's estimates against every published reference (the table of docs/methodology.md).

Run: ``python benchmarks/validation_table.py`` (prints the Markdown table; a test checks that
docs/methodology.md embeds exactly this output).
"""

from sobria.catalog import load_catalog
from sobria.impact.validation import markdown_table

print(markdown_table(load_catalog()))
