"""Models of the community app; its features arrive with their own issue."""
