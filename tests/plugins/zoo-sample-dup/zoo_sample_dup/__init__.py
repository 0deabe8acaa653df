"""A sample plugin for zoo's tests that registers a model id zoo-sample has too."""
