"""Template tags of the community."""
