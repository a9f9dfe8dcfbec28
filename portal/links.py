"""Absolute addresses on the current portal, for e-mails and documents sent out of the site."""

from wagtail.models import Site


def portal_url(path: str) -> str:
    """``path`` on this portal's own site, from Wagtail's cached site root paths (no query)."""
    root = next((site.root_url for site in Site.get_site_root_paths()), "")
    return f"{root}{path}"
