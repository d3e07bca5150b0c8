"""What TechVert's teams ask AI for, with which tool, and how big requests and answers are.

Token sizes are log-normal per task (median, sigma), the usual shape of prompt and completion
lengths in published chat logs (LMSYS-Chat-1M, WildChat): most requests short, a long tail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from sobria.demo.company import Team
from sobria.demo.dice import Weighted


class Kind(StrEnum):
    TEXT = "text"
    TRIVIAL = "trivial"
    IMAGE_EXTERNAL = "image-external"
    IMAGE_INTERNAL = "image-internal"


@dataclass(frozen=True)
class Tool:
    name: str
    provider: str
    tier: str          # exports are token-level, API/gateway tools are measured


CHAT_ASSISTANT = Tool("chatgpt-entreprise", "openai", "token-level")  # an id of the template charter
IMAGE_MIDJOURNEY = Tool("midjourney", "midjourney", "token-level")
SUPPORT_CHATBOT = Tool("chatbot-support", "openai", "measured")
CV_SCREENING = Tool("tri-cv", "openai", "measured")

HEAVY = "gpt-4o"
LEGACY_HEAVY = "gpt-4"
LIGHT = "gpt-4o-mini"       # today's equivalent of the case's "GPT-3.5 by default"
HEAVY_MODELS = (HEAVY, LEGACY_HEAVY)
DALLE = "dall-e-3"
MIDJOURNEY = "midjourney"


# Purposes: the ids of the template charter (`sobria policy init`, the demo's charte.yaml), so that
# replaying the charter on the demo routes, keeps and blocks what the charter says for each use.
EMAIL_WRITING = "email"
SUMMARY = "synthese"
SUPPORT = "support_client"
PROPOSAL_WRITING = "proposition_commerciale"
ANALYSIS = "analyse_strategique"
RECRUITMENT = "recrutement"
EXTERNAL = "communication_externe"
INTERNAL_DOC = "document_interne"
PURPOSES = (EMAIL_WRITING, SUMMARY, SUPPORT, PROPOSAL_WRITING, ANALYSIS, RECRUITMENT, EXTERNAL, INTERNAL_DOC)


@dataclass(frozen=True)
class Task:
    key: str                  # template key in prompts.TEMPLATES
    kind: Kind
    purpose: str
    complex: bool             # a heavy model is justified
    tokens_in: tuple[float, float]    # median, sigma
    tokens_out: tuple[float, float]
    rewritable: bool = False  # prone to reformulation chains (texts someone polishes)
    batch: bool = False       # the same template is filled for several clients or subjects
    long: bool = False        # long answers that get "continue" follow-ups


def _text(key: str, purpose: str, tin: float, tout: float, *, complex_: bool = False,
          rewritable: bool = False, batch: bool = False, long: bool = False) -> Task:
    return Task(key, Kind.TEXT, purpose, complex_, (tin, 0.5), (tout, 0.45), rewritable, batch, long)


TRIVIAL = Task("trivial", Kind.TRIVIAL, INTERNAL_DOC, False, (22.0, 0.35), (28.0, 0.5))
IMAGE_EXT = Task("image_external", Kind.IMAGE_EXTERNAL, EXTERNAL, False, (45.0, 0.3), (1.0, 0.0))
IMAGE_INT = Task("image_internal", Kind.IMAGE_INTERNAL, INTERNAL_DOC, False, (40.0, 0.3), (1.0, 0.0))
CHATBOT = Task("chatbot", Kind.TEXT, SUPPORT, False, (650.0, 0.35), (85.0, 0.5))
CHATBOT_FOLLOWUP = Task("chatbot_followup", Kind.TEXT, SUPPORT, False, (800.0, 0.3), (70.0, 0.5))
CV = Task("cv_screening", Kind.TEXT, RECRUITMENT, True, (3600.0, 0.3), (320.0, 0.3))

EMAIL = _text("email_client", EMAIL_WRITING, 110, 240, rewritable=True, batch=True)
LINKEDIN = _text("linkedin_post", EXTERNAL, 90, 230, rewritable=True)
NEWSLETTER = _text("newsletter", EXTERNAL, 180, 850, rewritable=True, long=True)
SLOGAN = _text("slogan", EXTERNAL, 60, 180, rewritable=True)
PROPOSAL = _text("proposal", PROPOSAL_WRITING, 600, 1300, complex_=True, rewritable=True, batch=True, long=True)
PROSPECT = _text("prospect_analysis", ANALYSIS, 350, 900, complex_=True, batch=True)
PROSPECT_MAIL = _text("email_prospect", EMAIL_WRITING, 100, 220, rewritable=True, batch=True)
MEETING = _text("meeting_summary", SUMMARY, 1500, 420)
TICKET = _text("ticket_summary", SUMMARY, 900, 180)
REPLY = _text("reply_draft", SUPPORT, 280, 240, rewritable=True)
FAQ = _text("faq_article", EXTERNAL, 150, 650, long=True)
JOB_OFFER = _text("job_offer", RECRUITMENT, 140, 600, rewritable=True, batch=True)
INTERVIEW = _text("interview_questions", RECRUITMENT, 80, 520)
HR_NOTE = _text("hr_note", INTERNAL_DOC, 90, 300, rewritable=True)
STRATEGY = _text("strategic_analysis", ANALYSIS, 700, 1500, complex_=True, long=True)
WATCH = _text("competitive_watch", ANALYSIS, 300, 1100, complex_=True)
BOARD = _text("board_note", ANALYSIS, 400, 700, complex_=True, rewritable=True)

# Relative frequency of each task among one team's own requests (the support chatbot and the
# CV screening tool are scheduled separately, they are not a person's chat requests).
TEAM_TASKS: Mapping[Team, Weighted[Task]] = MappingProxyType({
    Team.MARKETING: Weighted.of([(LINKEDIN, 22), (NEWSLETTER, 12), (SLOGAN, 8), (EMAIL, 10),
                                 (IMAGE_EXT, 14), (IMAGE_INT, 6), (WATCH, 5), (TRIVIAL, 23)]),
    Team.SALES: Weighted.of([(PROPOSAL, 18), (PROSPECT, 16), (PROSPECT_MAIL, 16), (EMAIL, 14),
                             (MEETING, 10), (IMAGE_EXT, 3), (TRIVIAL, 23)]),
    Team.SUPPORT: Weighted.of([(TICKET, 34), (REPLY, 26), (FAQ, 10), (TRIVIAL, 30)]),
    Team.HR: Weighted.of([(JOB_OFFER, 22), (INTERVIEW, 16), (HR_NOTE, 20), (IMAGE_INT, 4), (TRIVIAL, 38)]),
    Team.MANAGEMENT: Weighted.of([(STRATEGY, 20), (WATCH, 18), (BOARD, 16), (EMAIL, 10),
                                  (IMAGE_INT, 8), (TRIVIAL, 28)]),
})
