"""办件: opening, the workflow, due dates, joint review, villagers, search, the ledger and case events."""
