"""The AI tools registry: the shipped catalogue of tools (tier, data terms) and forbidden-usage checks."""
