"""Views of the certification app."""

from django.shortcuts import render


def index(request):
    """The certification landing page; its content arrives with the certification issue."""
    return render(request, "certification/index.html")
