"""Open Badges 2.0 hosted documents (placeholder: being written)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not yet.")


baked_badge = issuer = revocations = badge_class = badge_image = assertion = _missing
