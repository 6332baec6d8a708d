"""Payment screening: SWIFT MT and ISO 20022 messages read field by field, screened, passed or held.

Above screening (it screens each party field and scans the free text with the screening core) and
monitoring (a held message is a case in the alerts' four-eyes workflow); beside `cases`, which it does
not import.
"""
