"""Coverage: who is designated where, for the Secretariat and, for their own country, officials."""
