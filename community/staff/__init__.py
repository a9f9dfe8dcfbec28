"""Staff screens of the community in the Wagtail admin (registered through hooks)."""
