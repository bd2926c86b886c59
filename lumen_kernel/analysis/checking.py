"""Checking for editor sessions (placeholder module replaced below)."""
