"""A broken sample plugin for zoo's tests: every hook raises."""
