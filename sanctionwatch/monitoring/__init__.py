"""Customers, re-screening after list changes, alerts and their notification.

Public to other packages: `customer_store` (`Customers`), `customer` (`Customer`), `rescreen`
(`Monitor`), `alerts` (`Alerts` and an alert's `Status`), `webhooks` (`Webhooks`), `after_update` (what
follows a change of the active lists) and `tables` (the alert and case tables the cases workflow writes).
"""
