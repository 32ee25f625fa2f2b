"""Conventions and their national roles."""
