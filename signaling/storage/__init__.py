"""The SQLite database: one writer thread, and the tables in one place (schema)."""
