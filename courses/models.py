"""Models of the courses app; its features arrive with their own issue."""
