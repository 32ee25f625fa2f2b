"""Notices and reminders: what is due is found from the recorded state, then mailed and listed."""
