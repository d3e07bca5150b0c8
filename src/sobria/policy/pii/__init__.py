"""Personal data in prompts: detection (French formats first), client names and redaction."""

from sobria.policy.pii.clientlist import load_client_names, parse_client_names
from sobria.policy.pii.findings import Finding, PiiKind
from sobria.policy.pii.redact import redact
from sobria.policy.pii.scanner import Scanner, ScanOptions

__all__ = ["Finding", "PiiKind", "ScanOptions", "Scanner", "load_client_names", "parse_client_names", "redact"]
