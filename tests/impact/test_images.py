"""Golden values of the image model v2: GPU measurement -> server -> PUE, explicit central, steps."""

from __future__ import annotations

import pytest

from sobria.catalog import Catalog, resolve
from sobria.errors import UserInputError
from sobria.impact import Estimator, Request, estimate_request


def wh(catalog: Catalog, model: str, **kw: object) -> tuple[float, float, float]:
    imp = estimate_request(Estimator(catalog), Request("stability", model, images=1, **kw))  # type: ignore[arg-type]
    e = imp.energy_kwh
    return e.min * 1e3, e.central * 1e3, e.max * 1e3


def test_sdxl_1024_from_gpu_measurements_to_the_data_centre(catalog: Catalog) -> None:
    # GPU 0.60 (ML.ENERGY v2) / 0.99 (geometric mean) / 1.64 (AI Energy Score) Wh at 50 steps,
    # x server 1.1 / 1.21 / 2.0, x stability PUE 1.09 / 1.145 / 1.2
    low, central, high = wh(catalog, "sdxl")
    assert low == pytest.approx(0.60 * 1.1 * 1.09)
    assert central == pytest.approx(0.99 * 1.21 * 1.145)
    assert high == pytest.approx(1.64 * 2.0 * 1.2)
    assert (round(low, 2), round(central, 2), round(high, 2)) == (0.72, 1.37, 3.94)


def test_central_is_the_measurement_not_the_midpoint(catalog: Catalog) -> None:
    low, central, high = wh(catalog, "sdxl")
    assert central < (low + high) / 2


def test_steps_scale_energy_linearly_from_the_reference(catalog: Catalog) -> None:
    base = wh(catalog, "sdxl")
    thirty = wh(catalog, "sdxl", image_steps=30)
    assert thirty == pytest.approx(tuple(v * 30 / 50 for v in base))
    # ML.ENERGY v2 measured x1.65 from 30 to 50 steps; linear gives 50/30 = 1.667 (within 2 %)
    assert base[1] / thirty[1] == pytest.approx(1.65, rel=0.02)


def test_steps_ignored_when_the_api_has_no_step_count(catalog: Catalog) -> None:
    e = Estimator(catalog)
    a = estimate_request(e, Request("openai", "dall-e-3", images=1, image_steps=10))
    b = estimate_request(e, Request("openai", "dall-e-3", images=1))
    assert a.energy_kwh == b.energy_kwh


def test_flux_schnell_is_flux_dev_at_4_steps(catalog: Catalog) -> None:
    dev = wh(catalog, "flux.1-dev", image_steps=4)
    schnell = wh(catalog, "flux.1-schnell")
    assert schnell == pytest.approx(dev, rel=2e-3)


def test_unknown_image_model_uses_the_generic_fallback(catalog: Catalog) -> None:
    res = resolve(catalog, "openai", "some-new-image-model", "image")
    assert (res.model, res.status, res.kind) == ("generic-image", "model-not-in-catalog", "image")
    assert res.image is not None
    gpu = res.image.gpu_wh_per_image
    assert (gpu.min, gpu.central, gpu.max) == (0.43, 0.99, 5.03)


def test_bad_step_count_is_a_user_error() -> None:
    with pytest.raises(UserInputError) as err:
        Request("stability", "sdxl", images=1, image_steps=0)
    assert (err.value.key, err.value.where.parameter) == ("impact.bad_image_steps", "image_steps")
