"""Forms for sign-up (adds the display name), the member's profile and account deletion."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from allauth.account.forms import SignupForm as AllauthSignupForm
from django_countries import countries

from portal.accounts import services
from portal.accounts.models import LANGUAGE_CHOICES, TIME_ZONE_CHOICES, User

DISPLAY_NAME_HELP = User._meta.get_field("display_name").help_text


class AccessibleFormMixin:
    """Render fields with ``accounts/includes/field.html``: label, help text, errors, widget.

    Django links help text (``<id>_helptext``) and errors (``<id>_error``) to the widget with
    ``aria-describedby`` and marks invalid widgets ``aria-invalid``; the template keeps those ids.
    """

    template_name = "accounts/includes/form.html"


class AvatarField(forms.ImageField):
    """An image field that refuses oversized files before Pillow reads them."""

    def to_python(self, data):
        if isinstance(data, UploadedFile) and data.size and data.size > services.AVATAR_MAX_BYTES:
            raise forms.ValidationError(services.ERROR_AVATAR_TOO_LARGE, code="too_large")
        return super().to_python(data)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with the name other members will see."""

    display_name = forms.CharField(
        label="Display name",
        max_length=User._meta.get_field("display_name").max_length,
        help_text=DISPLAY_NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    field_order = ["display_name", "email", "password1", "password2"]


class ProfileForm(AccessibleFormMixin, forms.Form):
    display_name = forms.CharField(
        label="Display name",
        max_length=User._meta.get_field("display_name").max_length,
        help_text=DISPLAY_NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    avatar = AvatarField(
        label="Picture",
        required=False,
        help_text="A square JPEG, PNG, GIF or WebP image of at most 2 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )
    bio = forms.CharField(
        label="About you",
        required=False,
        max_length=User._meta.get_field("bio").max_length,
        help_text=User._meta.get_field("bio").help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    country = forms.ChoiceField(
        label="Country", required=False, choices=[("", "Not shown"), *countries]
    )
    languages = forms.MultipleChoiceField(
        label="Languages",
        required=False,
        choices=LANGUAGE_CHOICES,
        help_text=(
            User._meta.get_field("languages").help_text
            + " Hold Ctrl (or ⌘ on a Mac) to choose more than one."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=TIME_ZONE_CHOICES,
        help_text="Dates and times are shown to you in this zone.",
    )

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {
            "display_name": user.display_name,
            "avatar": user.avatar,
            "bio": user.bio,
            "country": str(user.country.code or ""),
            "languages": list(user.languages),
            "time_zone": user.time_zone,
        }

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            try:
                services.avatar_check(avatar)
            except services.AccountError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return avatar

    def avatar_change(self) -> dict:
        """``profile_update`` arguments for the picture: a new file, a removal, or nothing."""
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            return {"avatar": avatar}
        if avatar is False:
            return {"avatar_clear": True}
        return {}


class MemberDeleteForm(AccessibleFormMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        help_text="To make sure it is you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class InterestsForm(AccessibleFormMixin, forms.Form):
    """The topics (community tags) and products (product areas) a member cares about.

    Choices come from ``community.interest_selectors.interest_choices`` (no query here);
    ``community.interest_services.interests_set`` checks them again when saving.
    """

    tags = forms.TypedMultipleChoiceField(
        label="Topics",
        required=False,
        coerce=int,
        help_text="Courses and unanswered questions about these are suggested to you.",
        widget=forms.CheckboxSelectMultiple,
    )
    areas = forms.TypedMultipleChoiceField(
        label="Products",
        required=False,
        coerce=int,
        help_text="The parts of the product you use or want to learn.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["tags"].choices = [(tag.pk, tag.name) for tag in choices.tags]
        self.fields["areas"].choices = [(area.pk, area.name) for area in choices.areas]
