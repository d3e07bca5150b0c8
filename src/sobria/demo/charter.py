"""The demo company's charter: the template of ``sobria policy init``, adopted on the case study's day.

The demo audits with this file, so the report's cards, recommendations and scenario all speak of
the same charter; its tool ids are the demo's (``chatgpt-entreprise``, ``chatbot-support``,
``tri-cv``, ``midjourney``).
"""

from __future__ import annotations

from sobria.demo.timeline import CHARTER
from sobria.policy.loader import policy_template

ORGANISATION = "TechVert"
_TEMPLATE_NAME = 'name: "Mon entreprise"'


def demo_charter_text() -> str:
    """The template charter, named after TechVert and dated 17 March 2025."""
    text = policy_template(CHARTER)
    if _TEMPLATE_NAME not in text:
        raise AssertionError("the policy template no longer names its organisation 'Mon entreprise'")
    return text.replace(_TEMPLATE_NAME, f'name: "{ORGANISATION}"', 1)
