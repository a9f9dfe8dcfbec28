"""The staff dashboard's screens in the Wagtail admin (registered by importing this module from
``portal.wagtail_hooks``)."""
