"""Training and AI literacy (AI Act article 4): module catalogue, records, coverage, CSV import and evidence."""
