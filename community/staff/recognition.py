"""Staff screens for recognition in the Wagtail admin (registered by importing this module)."""
