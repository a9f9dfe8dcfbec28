"""Placeholder: filled in by the work on this part of the admin."""
