"""Placeholder while this part of the community is written."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not yet.")


ask = preview = question = answer_create = question_edit = question_comment = question_revisions = (
    answer_edit
) = answer_comment = answer_revisions = _missing  # noqa: E501
