"""The public verify page and PDF certificate (placeholder: being written)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not yet.")


verify = certificate_pdf = _missing
