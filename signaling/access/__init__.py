"""Who may do what where: accounts and sessions, roles, jurisdictions (units), authorization."""
