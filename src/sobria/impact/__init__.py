"""The footprint engine: EcoLogits' formulas (parity) and Sobria's documented extensions."""

from sobria.impact.estimator import Estimator
from sobria.impact.frame import estimate_frame
from sobria.impact.keyed import KeyCoefficients, Media, key_coefficients
from sobria.impact.options import EstimateOptions
from sobria.impact.request import Impacts, Request, estimate_request

__all__ = ["EstimateOptions", "Estimator", "Impacts", "KeyCoefficients", "Media", "Request", "estimate_frame",
           "estimate_request", "key_coefficients"]
