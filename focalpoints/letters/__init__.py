"""Designation letters to the Secretariats, drafted from the registry."""
