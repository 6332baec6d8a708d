"""The HTTP service: thin routers that translate requests into calls on the core, and back.

Public to other packages: `app` (`create_app`, the FastAPI application), `settings` (`ServiceSettings`),
`state` (`ServiceState`, `state_of`) and the parts of `security` the analyst pages share (`Principal`,
the session and CSRF helpers). The routers and the rest are the service's own.
"""
