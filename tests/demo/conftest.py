from __future__ import annotations

import pytest

from sobria.demo import DemoData, generate_demo


@pytest.fixture(scope="session")
def demo() -> DemoData:
    """The default-seed demo, generated once for the whole test session."""
    return generate_demo()
