"""The catalog's filter form: search words, topic, level, language, format and sort order.

Bad input never fails the page: an unknown choice is dropped and a long search is cut short.
"""

from django import forms
from django.conf import settings

from courses.models import CoursePage, LiveSessionPage

SEARCH_MAX_LENGTH = 200
SORT_NEWEST = "newest"
SORT_MOST_ENROLLED = "enrolled"
SORT_CHOICES = [(SORT_NEWEST, "Newest"), (SORT_MOST_ENROLLED, "Most enrolled")]
FORMAT_VIDEO = "video"
FORMAT_LIVE = LiveSessionPage.LIVE
FORMAT_CLASSROOM = LiveSessionPage.CLASSROOM
FORMAT_CHOICES = [
    ("", "Any format"),
    (FORMAT_VIDEO, "Video"),
    (FORMAT_LIVE, "Live online"),
    (FORMAT_CLASSROOM, "Classroom"),
]


class CatalogFilterForm(forms.Form):
    """A GET form; ``filters()`` gives the valid values, ignoring the rest."""

    q = forms.CharField(
        label="Search courses", required=False, max_length=SEARCH_MAX_LENGTH, strip=True
    )
    topic = forms.ChoiceField(label="Topic", required=False)
    level = forms.ChoiceField(
        label="Level", required=False, choices=[("", "Any level"), *CoursePage.LEVEL_CHOICES]
    )
    language = forms.ChoiceField(
        label="Language", required=False, choices=[("", "Any language"), *settings.LANGUAGES]
    )
    format = forms.ChoiceField(label="Format", required=False, choices=FORMAT_CHOICES)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, data=None, *, topics: list[tuple[str, str]] = (), **kwargs):
        if data is not None:
            data = data.copy()
            data["q"] = str(data.get("q", ""))[:SEARCH_MAX_LENGTH]
        super().__init__(data, **kwargs)
        self.fields["topic"].choices = [("", "Any topic"), *topics]
        self.fields["q"].widget.attrs.update(type="search", placeholder="Title, topic, lesson…")

    def filters(self) -> dict[str, str]:
        """Every field's value when valid, else its default ("" or newest)."""
        self.is_valid()
        values = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        values["sort"] = values["sort"] or SORT_NEWEST
        return values
