"""Views of the courses app."""

from django.shortcuts import render


def index(request):
    """The courses section's landing page; its content arrives with the courses issue."""
    return render(request, "courses/index.html")
