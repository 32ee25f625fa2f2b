"""Administration of reference data."""
