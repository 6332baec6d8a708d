"""One router per concern; each translates HTTP into calls on the core and nothing more."""
