"""Ingest: every source converted to canonical usage events at the edge, validated, pseudonymised."""
