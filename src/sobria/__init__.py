"""Sobria: measure, govern and reduce the footprint of generative-AI usage."""

__version__ = "0.1.0"
