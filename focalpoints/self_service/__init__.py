"""Focal points who answer for themselves: personal links to confirm their record and to
answer consultations, and the changes they propose for coordinators to approve."""
