"""Views of the community app."""

from django.shortcuts import render


def index(request):
    """The community section's landing page; its content arrives with the community issue."""
    return render(request, "community/index.html")
