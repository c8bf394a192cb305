"""Database plumbing: engine and sessions, the embedded server, checks, the change listener."""
