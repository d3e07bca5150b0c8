"""Prometheus metrics, rendered by hand in the text exposition format (no client library)."""

from __future__ import annotations

from dataclasses import dataclass, field

BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_HELP = {
    "sobria_gateway_requests_total": "Requests answered, by operation and HTTP status.",
    "sobria_gateway_decisions_total": "Charter decisions, by main action.",
    "sobria_gateway_upstream_errors_total": "Upstream failures, by error code.",
    "sobria_gateway_carbon_kgco2e_total": "Estimated carbon of forwarded requests (central value).",
    "sobria_gateway_energy_kwh_total": "Estimated energy of forwarded requests (central value).",
    "sobria_gateway_events_journaled_total": "Usage events appended to the journal.",
}


@dataclass
class Metrics:
    counters: dict[tuple[str, tuple[tuple[str, str], ...]], float] = field(default_factory=dict)
    duration_counts: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS_S) + 1))
    duration_sum: float = 0.0

    def inc(self, name: str, value: float = 1.0, **labels: str) -> None:
        key = (name, tuple(sorted(labels.items())))
        self.counters[key] = self.counters.get(key, 0.0) + value

    def observe_duration(self, seconds: float) -> None:
        self.duration_sum += seconds
        for i, bound in enumerate(BUCKETS_S):
            if seconds <= bound:
                self.duration_counts[i] += 1
                return
        self.duration_counts[-1] += 1

    def render(self, gauges: dict[str, float]) -> str:
        lines: list[str] = []
        for name in sorted({n for n, _ in self.counters}):
            lines += [f"# HELP {name} {_HELP.get(name, name)}", f"# TYPE {name} counter"]
            for (n, labels), value in sorted(self.counters.items()):
                if n == name:
                    text = ",".join(f'{k}="{v}"' for k, v in labels)
                    lines.append(f"{name}{{{text}}} {value:.17g}" if text else f"{name} {value:.17g}")
        hist = "sobria_gateway_request_duration_seconds"
        lines += [f"# HELP {hist} Time from request to last byte, by the gateway's clock.", f"# TYPE {hist} histogram"]
        running = 0
        for bound, count in zip((*BUCKETS_S, float("inf")), self.duration_counts, strict=True):
            running += count
            label = "+Inf" if bound == float("inf") else f"{bound:g}"
            lines.append(f'{hist}_bucket{{le="{label}"}} {running}')
        lines += [f"{hist}_sum {self.duration_sum:.9g}", f"{hist}_count {running}"]
        for name, value in sorted(gauges.items()):
            lines += [f"# TYPE {name} gauge", f"{name} {value:.17g}"]
        return "\n".join(lines) + "\n"
