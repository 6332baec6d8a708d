"""Customers, re-screening after list changes, alerts and their notification."""
