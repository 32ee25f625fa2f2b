"""Handover packs: what a new holder of a role needs, on a page, in Word, and by e-mail."""
