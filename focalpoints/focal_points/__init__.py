"""The focal point registry: people, their appointments to national roles, and their history."""
