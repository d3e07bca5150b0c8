"""The scan of a chat thread's history is skipped for texts already found clean (by digest, no
text kept); a text with personal data is scanned, redacted or blocked every time it is re-sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import openai
import pytest

from sobria.gateway.clean_texts import CleanTexts
from sobria.policy.pii.findings import Finding
from sobria.policy.pii.scanner import Scanner
from tests.gateway.apis_support import Apis, apis  # noqa: F401
from tests.gateway.test_responses_api import IBAN


@dataclass(frozen=True)
class CountingScanner(Scanner):
    """The real scanner, counting the texts it reads."""

    read: list[str] = field(default_factory=list)

    def scan(self, text: str) -> list[Finding]:
        self.read.append(text)
        return super().scan(text)


def test_clean_texts_are_scanned_once_and_findings_every_time() -> None:
    scanner = CountingScanner()
    memory = CleanTexts(max_entries=2)
    assert memory.scan(scanner, "Résume la réunion de lundi") == []
    assert memory.scan(scanner, "Résume la réunion de lundi") == []
    with_mail = memory.scan(scanner, "Écris à jean.dupont@client.fr")
    assert [(str(f.kind), f.start, f.end) for f in with_mail] == [("email", 8, 29)]
    assert memory.scan(scanner, "Écris à jean.dupont@client.fr") == with_mail
    assert scanner.read == ["Résume la réunion de lundi", "Écris à jean.dupont@client.fr",
                            "Écris à jean.dupont@client.fr"]
    assert len(memory) == 1    # only the clean text's digest
    memory.scan(scanner, "a")
    memory.scan(scanner, "b")   # bounded: the oldest digest is forgotten
    assert len(memory) == 2
    memory.scan(scanner, "Résume la réunion de lundi")
    assert scanner.read[-1] == "Résume la réunion de lundi"
    other = CountingScanner()   # another scanner (another client list): nothing is taken as clean
    memory.scan(other, "a")
    assert other.read == ["a"] and len(memory) == 1


@pytest.fixture
def client(apis: Apis) -> Iterator[openai.OpenAI]:  # noqa: F811
    with openai.OpenAI(base_url=f"{apis.url}/v1", api_key=apis.key, max_retries=0) as client:
        yield client


def test_personal_data_in_a_resent_history_is_blocked_each_time(apis: Apis,  # noqa: F811
                                                                 client: openai.OpenAI) -> None:
    history = [{"role": "user", "content": "Résume la réunion de lundi"},
               {"role": "assistant", "content": "Trois points : budget, calendrier, équipe."}]
    before = len(apis.upstream.received)
    client.chat.completions.create(model="gpt-4o-mini", messages=[*history, {"role": "user", "content": "plus court"}])
    assert len(apis.gw.clean_texts) >= 3
    leaked = [*history, {"role": "user", "content": f"Vire sur {IBAN}"}, {"role": "assistant", "content": "Fait."}]
    for last in ("plus court", "encore plus court"):
        with pytest.raises(openai.PermissionDeniedError):
            client.chat.completions.create(model="gpt-4o-mini", messages=[*leaked, {"role": "user", "content": last}])
    assert len(apis.upstream.received) == before + 1
