"""Everything a running gateway holds, built once at start-up from the configuration."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sobria.catalog import load_catalog
from sobria.errors import Location, UserInputError
from sobria.events.semantic import model_directory
from sobria.events.thread import ThreadMemory
from sobria.gateway.budgets import BudgetWorker
from sobria.gateway.clean_texts import CleanTexts
from sobria.gateway.config import GatewayConfig, GatewaySettings, gateway_settings
from sobria.gateway.drain_process import DrainJob, DrainProcess
from sobria.gateway.footprint import FootprintCalculator
from sobria.gateway.http_exchange import HttpTransport
from sobria.gateway.journal import Journal
from sobria.gateway.keys import KeyRecord, find_key, hash_key, keys_by_hash
from sobria.gateway.metrics import Metrics
from sobria.gateway.regenerations import RegenerationCounter
from sobria.gateway.transport import AiohttpTransport, Clock, SystemClock, Transport
from sobria.gateway.upstream import UpstreamPool
from sobria.i18n import Translator
from sobria.impact.estimator import Estimator
from sobria.ingest.pseudonym import pseudonym, read_secret
from sobria.policy.decision import Rules
from sobria.policy.loader import load_policy
from sobria.policy.pii import Scanner, load_client_names
from sobria.settings import Settings
from sobria.store import Store, open_store


@dataclass
class KeyTable:
    """Virtual keys in memory (by hash), refreshed from the store periodically and on a miss."""

    store: Store
    by_hash: dict[str, KeyRecord] = field(default_factory=dict)
    refreshed: float = 0.0

    def refresh(self) -> None:
        self.by_hash = keys_by_hash(self.store)
        self.refreshed = time.monotonic()

    async def lookup(self, token: str) -> KeyRecord | None:
        digest = hash_key(token)
        found = self.by_hash.get(digest)
        if found is None:  # created since the last refresh? (one indexed query, off the event loop)
            found = await asyncio.to_thread(find_key, self.store, digest)
            if found is not None:
                self.by_hash[digest] = found
        return found


@dataclass
class Gateway:
    settings: GatewaySettings
    config: GatewayConfig  # settings.gateway
    rules: Rules
    scanner: Scanner
    footprints: FootprintCalculator
    t: Translator
    store: Store
    keys: KeyTable
    journal: Journal
    drain: DrainProcess
    upstreams: UpstreamPool
    budgets: BudgetWorker
    clock: Clock = field(default_factory=SystemClock)
    metrics: Metrics = field(default_factory=Metrics)
    regenerations: RegenerationCounter = field(default_factory=RegenerationCounter)
    threads: ThreadMemory = field(default_factory=ThreadMemory)
    clean_texts: CleanTexts = field(default_factory=CleanTexts)   # digests of texts scanned clean
    budget_used: dict[tuple[str, str], float] = field(default_factory=dict)
    unjournaled: int = 0      # events made but not yet journaled (their answer is being sent)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    keep_names: bool = False
    semantic: bool = False    # journal the prompt text for the drain's semantic fingerprint (setting)
    secret: bytes | None = field(default=None, repr=False)
    id_prefix: str = field(default_factory=lambda: secrets.token_hex(10))
    id_counter: Iterator[int] = field(default_factory=itertools.count)

    def new_event_id(self) -> str:
        """A unique event id: 80 random bits drawn at start-up, then a counter (no system call)."""
        return f"{self.id_prefix}{next(self.id_counter):012x}"

    def person_key(self, person: str) -> str:
        """How a person given to the admin API is stored: pseudonymised unless names are kept."""
        if self.keep_names:
            return person
        if self.secret is None:
            raise UserInputError("gateway.keys.no_secret", {}, Location(parameter="SOBRIA_SECRET_FILE"))
        return pseudonym(self.secret, person)

    def lag_bytes(self) -> int:
        """Journal bytes not yet in the store."""
        return max(self.journal.size() - max(self.drain.offset(), 0), 0)

    def wait_drained(self, timeout_s: float = 30.0) -> None:
        """Wait until everything journaled so far is in the store (tests, clean stops)."""
        deadline = time.monotonic() + timeout_s
        while (self.unjournaled or self.lag_bytes()) and time.monotonic() < deadline:
            time.sleep(0.01)
        if self.unjournaled or self.lag_bytes():
            raise TimeoutError(f"journal not drained after {timeout_s} s")

    def record(self, event: dict[str, Any], gw: dict[str, Any]) -> None:
        """Append one usage event to the journal (durable once this returns)."""
        self.journal.append(json.dumps({"event": event, "gw": gw}, separators=(",", ":")).encode() + b"\n")
        self.metrics.inc("sobria_gateway_events_journaled_total")


def _transport(settings: Settings) -> Transport:
    return HttpTransport() if settings.upstream_client == "sobria" else AiohttpTransport()


def build_gateway(config: GatewayConfig, settings: Settings, *, transport: Transport | None = None,
                  clock: Clock | None = None) -> Gateway:
    """Compile the policy, the PII scanner and the estimator; open the store and the journal.

    ``settings`` (the environment's) is extended by ``config`` (:func:`gateway_settings`);
    ``transport`` (default: the one ``SOBRIA_UPSTREAM_CLIENT`` names, Sobria's own client) and ``clock`` (default: the
    system's) are for tests."""
    gs = gateway_settings(settings, config)
    catalog = load_catalog()
    policy = load_policy(Path(config.policy), catalog)
    if config.tool not in {tool.id for tool in policy.tools}:
        raise UserInputError("gateway.config.unknown_tool", {"tool": config.tool, "policy": config.policy,
                                                             "tools": ", ".join(t.id for t in policy.tools)},
                             Location(field="tool"))
    gs.require_provider_keys()
    names = load_client_names(Path(config.client_names)) if config.client_names else ()
    if gs.semantic_fingerprint:
        model_directory()   # the 'semantic' extra missing: a user error now, not in the drain process
    store = open_store(gs.db)
    store.migrate()
    journal = Journal(Path(config.journal), fsync=config.journal_fsync)
    journal.open()
    secret_path = Path(gs.secret_file)
    keys = KeyTable(store)
    keys.refresh()
    provider_keys = {name: key.get_secret_value() for name, key in gs.provider_keys.items()}
    return Gateway(
        settings=gs, config=config, rules=Rules.from_policy(policy), scanner=Scanner.build(names),
        footprints=FootprintCalculator(Estimator(catalog, gs.estimate_options())),
        t=Translator.for_lang(gs.lang), store=store, keys=keys, journal=journal,
        budgets=BudgetWorker.for_store(store),
        drain=DrainProcess.create(DrainJob(gs.db, str(journal.path), journal.name, config.drain_batch,
                                           config.drain_interval_s, os.getpid(), gs.semantic_fingerprint)),
        upstreams=UpstreamPool.from_config(config.upstreams, provider_keys, transport or _transport(gs)),
        clock=clock or SystemClock(), keep_names=gs.keep_names, semantic=gs.semantic_fingerprint,
        secret=read_secret(secret_path) if secret_path.exists() else None,
    )
