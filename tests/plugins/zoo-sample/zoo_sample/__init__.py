"""A sample outside plugin: a classifier on generated blobs and a regression task."""
