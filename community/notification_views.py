"""Placeholder while this part of the community is written."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not yet.")


notifications = mark_read = preferences = question_follow = tag_follow = _missing
