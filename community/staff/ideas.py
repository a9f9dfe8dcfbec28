"""Staff screens for ideas in the Wagtail admin (registered by importing this module)."""
