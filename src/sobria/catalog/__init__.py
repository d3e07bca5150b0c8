"""The catalogue: models, electricity mixes, providers, prices and factors, each with a source."""

from sobria.catalog.catalog import Catalog, Provider, load_catalog
from sobria.catalog.resolve import Resolution, resolve

__all__ = ["Catalog", "Provider", "Resolution", "load_catalog", "resolve"]
