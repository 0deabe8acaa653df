"""The recommender models, one module each; builders are named by the plugin's specs."""
