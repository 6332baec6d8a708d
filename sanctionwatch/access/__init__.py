"""Who may do what: roles, API keys and the users of the web pages (stored in the registry database).

Public to other packages: `keys` (`ApiKeys`, `ApiKey`), `users` (`Users`, `User`, and `user_in` for a
check inside the caller's transaction) and `roles` (`Role`). `tables` is this package's own: other
packages go through `ApiKeys` and `Users`.
"""
