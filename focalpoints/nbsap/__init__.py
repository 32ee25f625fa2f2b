"""NBSAPs: national targets and measures, their alignment with global targets, progress."""
