"""The HTTP service: thin routers that translate requests into calls on the core, and back."""
