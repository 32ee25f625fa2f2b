"""The read API under /api/v1, authenticated by session or API token."""
