"""Policy services: the charter as code, decisions and personal-data detection."""
