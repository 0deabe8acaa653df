"""Raises while being imported, as a plugin with a missing dependency would."""

raise ImportError("zoo_sample_broken needs a package that is not installed")
