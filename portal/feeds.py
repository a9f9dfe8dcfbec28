"""The Atom feed of a portal's announcements (news and status posts)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from wagtail.models import Site

from portal.models import BrandSettings
from portal.selectors import announcement_list


class AnnouncementFeed(Feed):
    feed_type = Atom1Feed
    limit = 30

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return Site.find_for_request(request)

    def title(self, site):
        return f"{BrandSettings.for_site(site).portal_name}: announcements"

    def link(self, site):
        return "/"

    def subtitle(self, site):
        return "News and service status"

    def items(self, site):
        return announcement_list()[: self.limit]

    def item_title(self, item):
        if item.kind == item.KIND_INCIDENT:
            status = (item.incident_status or "investigating").capitalize()
            return f"[{status}] {item.title}"
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(request=self.request)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.published_at
