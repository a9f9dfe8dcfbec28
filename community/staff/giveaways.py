"""Staff screens for giveaways in the Wagtail admin, under Community › Giveaways: create and
edit a contest, then "Draw winners" once its period is over (``community.giveaway_services``).

Superusers and staff holding ``community.manage_giveaways``
(``giveaway_services.can_manage_giveaways``) open them; other staff get a 403 page naming the
permission. A refused action (a bad form, a draw before the end or already made) is a form
error or a message, never a 500. Registered by ``community.staff.recognition``, whose base
screen and menu item it shares.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils import timezone

from wagtail import hooks

from community.giveaway_selectors import RULE_INVITATIONS, giveaway_list, giveaway_page
from community.giveaway_services import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    WINNERS_MAX,
    GiveawayError,
    can_manage_giveaways,
    giveaway_create,
    giveaway_draw,
    giveaway_update,
)
from community.models import Giveaway
from community.staff.recognition import PermissionMenuItem, StaffScreen, form_error

GIVEAWAY_PERMISSION = "“Can create giveaways and draw their winners” (community)"
CREATED = "Giveaway “{title}” created."
SAVED = "Giveaway “{title}” saved."
DRAWN = "Winners drawn: {count} winner{plural} notified."
DRAWN_NOBODY = "Drawn: nobody met the rule in the period, so there is no winner."
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: str, help_text: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class GiveawayForm(forms.Form):
    title = forms.CharField(label="Title", max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label="Prize and terms (public)",
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    rule = forms.ChoiceField(label="Who takes part", choices=Giveaway.Rule.choices)
    starts_at = _datetime_field("Starts", "Included: activity from this moment counts.")
    ends_at = _datetime_field(
        "Ends", "Not included: activity up to just before this moment counts."
    )
    winner_count = forms.IntegerField(
        label="Number of winners", min_value=1, max_value=WINNERS_MAX, initial=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text += f" Time zone: {zone}."


class GiveawayScreen(StaffScreen):
    header_icon = "pick"
    permission_label = GIVEAWAY_PERMISSION
    index_url_name = "community_giveaways:index"
    index_label = "Giveaways"

    def allowed(self, user) -> bool:
        return can_manage_giveaways(user=user)


class GiveawayIndexView(GiveawayScreen):
    page_title = "Giveaways"
    template_name = "community/admin/giveaways.html"

    def get_context_data(self, **kwargs):
        page = giveaway_list(page=self.request.GET.get("p", 1))
        return {**super().get_context_data(**kwargs), "page": page}


class GiveawayFormView(GiveawayScreen):
    """Create (no ``pk``) or edit a giveaway not drawn yet."""

    template_name = "community/admin/giveaway_form.html"

    def dispatch(self, request, pk: int | None = None, *args, **kwargs):
        self.giveaway = None
        if pk is not None and self.allowed(request.user):
            self.giveaway = Giveaway.objects.filter(pk=pk).first()
            if self.giveaway is None:
                raise Http404("No such giveaway.")
        initial = {}
        if self.giveaway is not None:
            initial = {
                name: getattr(self.giveaway, name)
                for name in ("title", "description", "rule", "winner_count")
            }
            zone = timezone.get_current_timezone()
            for name in ("starts_at", "ends_at"):
                initial[name] = getattr(self.giveaway, name).astimezone(zone)
        self.form = GiveawayForm(request.POST or None, initial=initial)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Edit “{self.giveaway.title}”" if self.giveaway else "New giveaway"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.form.is_valid():
            try:
                if self.giveaway is None:
                    giveaway = giveaway_create(staff=request.user, **self.form.cleaned_data)
                    done = CREATED
                else:
                    giveaway = giveaway_update(
                        staff=request.user, giveaway=self.giveaway, **self.form.cleaned_data
                    )
                    done = SAVED
            except GiveawayError as error:
                form_error(self.form, error)
            else:
                messages.success(request, done.format(title=giveaway.title))
                return redirect("community_giveaways:detail", giveaway.pk)
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "form": self.form,
            "giveaway": self.giveaway,
        }


class GiveawayDetailView(GiveawayScreen):
    """One giveaway: its facts, "Draw winners" once over, and the recorded draw."""

    template_name = "community/admin/giveaway.html"

    def dispatch(self, request, pk: int, *args, **kwargs):
        self.found = giveaway_page(giveaway_id=pk) if self.allowed(request.user) else None
        if self.found is None and self.allowed(request.user):
            raise Http404("No such giveaway.")
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.found.giveaway.title

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            giveaway_draw(staff=request.user, giveaway=self.found.giveaway)
        except GiveawayError as error:
            messages.error(request, str(error))
        else:
            count = self.found.giveaway.winners.count()
            if count:
                messages.success(request, DRAWN.format(count=count, plural="s"[: count != 1]))
            else:
                messages.warning(request, DRAWN_NOBODY)
        return redirect("community_giveaways:detail", self.found.giveaway.pk)

    def get_context_data(self, **kwargs):
        giveaway = self.found.giveaway
        return {
            **super().get_context_data(**kwargs),
            "page": self.found,
            "giveaway": giveaway,
            "invitation": RULE_INVITATIONS[giveaway.rule],
            "can_draw": giveaway.drawn_at is None and giveaway.ends_at <= timezone.now(),
        }


giveaway_urls = [
    path("", GiveawayIndexView.as_view(), name="index"),
    path("add/", GiveawayFormView.as_view(), name="add"),
    path("<int:pk>/", GiveawayDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", GiveawayFormView.as_view(), name="edit"),
    path("<int:pk>/draw/", GiveawayDetailView.as_view(), name="draw"),
]


@hooks.register("register_admin_urls")
def register_giveaway_urls():
    return [path("community/giveaways/", include((giveaway_urls, "community_giveaways")))]


@hooks.register("register_community_menu_item")
def register_giveaways_menu_item():
    return PermissionMenuItem(
        "Giveaways",
        reverse("community_giveaways:index"),
        icon_name="pick",
        name="giveaways",
        order=310,
        allowed=can_manage_giveaways,
    )
