"""Personal calendar links: secret, revocable feed URLs that calendar applications fetch."""
