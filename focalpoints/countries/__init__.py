"""Countries and their Party membership."""
