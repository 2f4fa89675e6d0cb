"""One exception root: the CLI turns any DigestError into a single `Error: ...` line."""


class DigestError(Exception):
    """Base class for errors a user can act on."""


class ConfigError(DigestError):
    """config.yaml is missing, unreadable or invalid; the message names the key path."""


class SourceError(DigestError):
    """One source could not be read; other sources carry on.

    problem: what kind of failure it is when a report should say so apart from others
    ("blocked": bot protection; "layout": a known listing layout no longer matches)."""

    def __init__(self, message: str, problem: str | None = None):
        super().__init__(message)
        self.problem = problem


class DocumentError(DigestError):
    """One document (file, feed entry, page) could not be used; the rest of its source carries on."""
