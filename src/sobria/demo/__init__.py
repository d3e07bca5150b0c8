"""The demo company of the case study (TechVert), generated deterministically from a seed.

``generate_demo(seed)`` is pure (no clock, no network, no files); ``write_demo(data, directory)``
writes people.csv, events.csv (canonical CSV), waste_truth.csv and README.txt.
"""

from sobria.demo.generate import DEFAULT_SEED, DemoData, generate_demo
from sobria.demo.summary import DemoSummary, summarise
from sobria.demo.writer import write_demo

__all__ = ["DEFAULT_SEED", "DemoData", "DemoSummary", "generate_demo", "summarise", "write_demo"]
