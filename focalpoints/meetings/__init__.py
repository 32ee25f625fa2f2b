"""Catalogues of the conventions' meetings, their agenda items and the cross-cutting issues."""
