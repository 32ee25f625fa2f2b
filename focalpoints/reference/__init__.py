"""Reference data shipped as files in the package and applied by ``focalpoints init``."""
