"""The analyst's web pages: server-rendered HTML that works without JavaScript.

Public to other packages: `routes` (`mount_web`, which `sanctionwatch.service` calls to put the pages
beside the API); the rest is the pages' own.
"""
