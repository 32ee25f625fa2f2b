"""Target frameworks: versioned global goals and targets (GBF, Aichi, CMS plans, ...)."""
