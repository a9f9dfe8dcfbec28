"""Giveaways, publicly: the list, and a giveaway's page with its rule, its winners and, once
drawn, "Check this draw" (seed, digest, entries and the algorithm); plus the entry list as the
exact text its digest covers. Staff create and draw giveaways in the Wagtail admin
(``community.staff.recognition``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community.giveaway_selectors import (
    RULE_INVITATIONS,
    giveaway_list,
    giveaway_page,
    member_qualifies,
    recorded_entries,
)
from community.giveaway_services import entries_text
from community.models import Giveaway

SECTION = "giveaways"


@require_GET
def giveaways(request: HttpRequest) -> HttpResponse:
    """/community/giveaways/: every giveaway, the latest to end first, 20 a page."""
    page = giveaway_list(page=request.GET.get("page"))
    return render(
        request,
        "community/giveaways/list.html",
        {"community_section": SECTION, "page": page, "giveaways": page.object_list},
    )


@require_GET
def giveaway(request: HttpRequest, pk: int) -> HttpResponse:
    """/community/giveaways/<pk>/: the giveaway; signed-in members see whether they qualify
    while it runs; once drawn, the winners and everything needed to check the draw."""
    found = giveaway_page(giveaway_id=pk)
    if found is None:
        raise Http404("No such giveaway.")
    qualifies = None
    if found.status in ("open", "closed") and request.user.is_authenticated:
        qualifies = member_qualifies(giveaway=found.giveaway, member=request.user)
    return render(
        request,
        "community/giveaways/detail.html",
        {
            "community_section": SECTION,
            "page": found,
            "giveaway": found.giveaway,
            "qualifies": qualifies,
            "rule_label": Giveaway.Rule(found.giveaway.rule).label,
            "invitation": RULE_INVITATIONS[found.giveaway.rule],
        },
    )


@require_GET
def giveaway_entries(request: HttpRequest, pk: int) -> HttpResponse:
    """The recorded entries of a drawn giveaway as the text its SHA-256 digest covers (404
    before the draw)."""
    giveaway = Giveaway.objects.filter(pk=pk, drawn_at__isnull=False).first()
    if giveaway is None:
        raise Http404("No such drawn giveaway.")
    response = HttpResponse(
        entries_text(recorded_entries(giveaway=giveaway)), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="giveaway-{giveaway.pk}-entries.txt"'
    return response
