"""The analyst's web pages: server-rendered HTML that works without JavaScript."""
