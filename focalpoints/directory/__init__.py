"""The public directory: the contacts that countries made public, for everyone to read."""
