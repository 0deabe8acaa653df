"""A broken sample plugin for zoo's tests: its module raises when imported."""
