"""A sample plugin for zoo's tests made for a zoo-core older than any release."""
