"""Documents of a case: issuing (签发) signed PDFs, listing them, and public verification (核验)."""
