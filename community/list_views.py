"""Placeholder while this part of the community is written."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not yet.")


index = tags = tag = unanswered_for_me = search = similar = close = reopen = _missing
