"""Evidence an examiner can check without trusting the bank's database (issue 22).

Signed screening receipts that verify offline and replay against the list versions they name, the
signed no-match certificate of a customer file, case files as PDF, and the management reports. It
sits above `cases`, `payments` and `spark` (a case file reads cases and payment holds) and below the
interfaces, which only call it.

Public to other packages, for case files: `case_export` (`export_case_file`, what the interfaces call)
and `case_file` (`CaseFile` and its parts, `CaseFileFormat`, `CaseFileNotFoundError`).
"""
