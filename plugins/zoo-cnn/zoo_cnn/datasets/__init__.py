"""Loaders of the plugin's image classification datasets, one module per family."""
