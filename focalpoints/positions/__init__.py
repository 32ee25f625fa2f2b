"""A country's negotiating positions for the conventions' meetings, and their consultation."""
