"""Sanctionwatch: official sanctions lists, a versioned registry, and screening against them."""

__version__ = "0.1.0"
