"""The catalog's filter form (search words, topic, level, language, format and sort order) and the
course survey's form.

Bad input never fails the catalog: an unknown choice is dropped and a long search is cut short.
"""

from django import forms
from django.conf import settings

from courses.models import CoursePage, LiveSessionPage
from courses.models.feedback import COMMENT_MAX_LENGTH

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


RATING_CHOICES = [
    (1, "1 Poor"),
    (2, "2 Fair"),
    (3, "3 Good"),
    (4, "4 Very good"),
    (5, "5 Excellent"),
]
RECOMMEND_CHOICES = [(number, str(number)) for number in range(0, 11)]
CHOOSE_RATING = "Choose a rating from 1 to 5."
CHOOSE_RECOMMEND = "Choose a number from 0 to 10."


def _scale(label: str, choices: list[tuple[int, str]], message: str, help_text: str):
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "survey__scale"}),
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


class CourseFeedbackForm(forms.Form):
    """The survey at the end of a course: three ratings, a 0-10 recommendation and a comment.

    ``cleaned_data`` gives the keyword arguments of ``feedback_services.feedback_submit``.
    """

    content_rating = _scale(
        "How good was the content?", RATING_CHOICES, CHOOSE_RATING, "1 is poor, 5 is excellent."
    )
    instructor_rating = _scale(
        "How good was the instructor?", RATING_CHOICES, CHOOSE_RATING, "1 is poor, 5 is excellent."
    )
    pace_rating = _scale(
        "How well did the pace suit you?",
        RATING_CHOICES,
        CHOOSE_RATING,
        "1 is not at all, 5 is just right.",
    )
    recommend = _scale(
        "How likely are you to recommend this course to a friend or colleague?",
        RECOMMEND_CHOICES,
        CHOOSE_RECOMMEND,
        "0 is not at all likely, 10 is extremely likely.",
    )
    comment = forms.CharField(
        label="Anything else you would like to tell us? (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Up to 2,000 characters. Staff read it without your name.",
        error_messages={"max_length": "Keep your comment to 2,000 characters or fewer."},
    )
