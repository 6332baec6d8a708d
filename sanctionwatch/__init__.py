"""Sanctionwatch: official sanctions lists, a versioned registry, and screening against them."""

__all__ = ["__version__"]

__version__ = "0.1.0"
