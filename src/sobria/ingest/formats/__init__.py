"""One module per source format; each exposes ``parse(path, options) -> Parsed``."""
