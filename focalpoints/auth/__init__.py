"""Accounts, log-in, passwords, invitations and resets."""
