"""The AI x CSR maturity matrix: questionnaire, measured signals, assessment, chart and JSON output."""
