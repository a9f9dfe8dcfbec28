"""Staff screens for testimonials in the Wagtail admin (registered by importing this module)."""
