"""Brand settings: the accent colour must keep white text readable."""

from django.core.exceptions import ValidationError

import pytest

from portal.models.settings import ERROR_ACCENT_FORMAT, contrast_with_white, validate_accent


@pytest.mark.parametrize("colour", ["#1d4ed8", "#0f5f8c", "#000000", "#b91c1c"])
def test_dark_enough_colours_are_accepted(colour):
    validate_accent(colour)


@pytest.mark.parametrize("colour", ["#ffff00", "#60a5fa", "#ffffff"])
def test_a_low_contrast_colour_is_refused_with_the_ratio(colour):
    with pytest.raises(ValidationError) as error:
        validate_accent(colour)
    message = error.value.messages[0]
    assert f"{contrast_with_white(colour):.1f}:1" in message and "at least 4.5:1" in message


@pytest.mark.parametrize("colour", ["blue", "#12345", "1d4ed8", ""])
def test_a_malformed_colour_is_refused(colour):
    with pytest.raises(ValidationError, match=ERROR_ACCENT_FORMAT[:30]):
        validate_accent(colour)
