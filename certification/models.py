"""Models of the certification app; its features arrive with their own issue."""
