"""Focal points who answer for themselves: signed links to confirm their record and to answer consultations."""
