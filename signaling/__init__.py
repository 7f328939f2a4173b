"""signaling: the cunneng server (accounts, jurisdictions, catalog, cases, audit, calls)."""
