"""Who may do what: roles, API keys and the users of the web pages (stored in the registry database)."""
