"""Managing accounts."""
