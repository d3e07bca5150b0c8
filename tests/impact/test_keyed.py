"""Per-key coefficients: built once, applied to any counts, the same numbers as a direct estimate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sobria.catalog import Catalog
from sobria.impact import Estimator, Media, Request, estimate_request, key_coefficients


@pytest.mark.parametrize(("provider", "model", "operation", "media"), [
    ("openai", "gpt-4o", "chat", Media()),
    ("openai", "dall-e-3", "image", Media(image_size="1024x1792", image_quality="hd")),
    ("stability", "sd3", "image", Media(image_steps=40)),
    ("openai", "whisper-1", "audio", Media(media_seconds=30.0)),
    ("openai", "sora-2-pro", "video", Media(video_size="720p", media_seconds=4.0)),
])
def test_one_key_applied_to_many_counts_equals_direct_estimates(catalog: Catalog, provider: str, model: str,
                                                                operation: str, media: Media) -> None:
    est = Estimator(catalog)
    key = key_coefficients(est, provider, model, operation, None, media)
    output, uncached, cached = np.array([0.0, 100.0, 2500.0]), np.array([10.0, 0.0, 900.0]), np.array([0.0, 0.0, 50.0])
    images = np.array([1.0, 2.0, 3.0])
    units = key.units(images, np.ones(3))
    for bound in ("min", "max", "central"):
        got = key.scenario(bound, output, uncached, cached, units, math.inf)
        low, high = (key.scenario(b, output, uncached, cached, units, math.inf) for b in ("min", "max"))
        for i in range(3):
            one = estimate_request(est, Request(provider, model, output_tokens=int(output[i]),
                                                input_tokens=int(uncached[i] + cached[i]),
                                                cached_input_tokens=int(cached[i]),
                                                images=int(images[i]) if operation == "image" else 0,
                                                image_size=media.image_size, image_quality=media.image_quality,
                                                image_steps=media.image_steps, video_size=media.video_size,
                                                media_seconds=media.media_seconds, operation=operation))
            want = getattr(one.energy_kwh, bound)
            value = got.energy_kwh[i]
            if bound == "central":
                value = key.central(low.energy_kwh, high.energy_kwh, got.energy_kwh)[i]
            assert value == pytest.approx(want, rel=1e-12)
    assert key.status == "ok"
