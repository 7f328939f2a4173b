"""事项清单: the item catalog and 一件事 bundles, and their printable guides (办事指南)."""
