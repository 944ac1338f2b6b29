"""Acme's background jobs."""


def backoff(attempt: int) -> int:
    """Seconds to wait before retrying a job."""
    return min(2**attempt, 300)
