"""Sobria's estimates for the requests of the validation table in docs/methodology.md.

Run: ``python benchmarks/validation_table.py``.
"""

from sobria.catalog import load_catalog
from sobria.impact import EstimateOptions, Estimator, Request, estimate_request
from sobria.ranges import Range

catalog = load_catalog()
e = Estimator(catalog)
m = Estimator(catalog, EstimateOptions(carbon_basis="market"))
cases = [
    ("G1 Gemini median prompt", m, Request("google", "gemini-2.5-flash", output_tokens=400, input_tokens=1000)),
    (
        "G2 Mistral Large 2, 400 tokens",
        e,
        Request("mistralai", "mistral-large-2-123b", output_tokens=400, input_tokens=400, zone="SWE"),
    ),
    ("G3 Altman avg ChatGPT query", e, Request("openai", "gpt-4o", output_tokens=400, input_tokens=1000)),
    ("G4 Epoch GPT-4o 500 out", e, Request("openai", "gpt-4o", output_tokens=500)),
    ("G5 Jegham short GPT-4o 100/300", e, Request("openai", "gpt-4o", output_tokens=300, input_tokens=100)),
    ("G6 MIT Llama 3.1 8B", e, Request("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct", output_tokens=400)),
    (
        "G6 MIT Llama 3.1 405B",
        e,
        Request("huggingface_hub", "meta-llama/Meta-Llama-3.1-405B-Instruct", output_tokens=400),
    ),
    ("G6 MIT SD3 Medium image", e, Request("stability", "sd3", images=1)),
]


def _fmt(r: Range, scale: float) -> str:
    return f"{r.min * scale:.3g}-{r.max * scale:.3g}"


for name, est, r in cases:
    i = estimate_request(est, r)
    print(f"{name}: {i.status} | energy {_fmt(i.energy_kwh, 1e3)} Wh | GWP {_fmt(i.gwp_kgco2e, 1e3)} g"
          f" | water {_fmt(i.water_l, 1e3)} mL | ADPe {_fmt(i.adpe_kgsbeq, 1e6)} mg Sb")
