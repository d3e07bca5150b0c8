"""Everyday equivalences for a footprint, from the catalogue's sourced constants."""

from __future__ import annotations

from dataclasses import dataclass

from sobria.catalog import Catalog


@dataclass(frozen=True)
class Equivalences:
    car_m: float          # metres driven in a thermal car for the same CO2e
    led_minutes: float    # minutes of a 10 W LED bulb for the same energy


def equivalences(catalog: Catalog, gwp_kgco2e: float, energy_kwh: float) -> Equivalences:
    car = catalog.constant("car_gwp_kgco2e_per_km").central
    led = catalog.constant("led_bulb_kw").central
    return Equivalences(car_m=gwp_kgco2e / car * 1000, led_minutes=energy_kwh / led * 60)
