"""The versioned store of listed parties: every ingest is a version, activated only when complete and sane."""
