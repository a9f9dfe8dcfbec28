"""Wagtail admin additions of the site shell: the open incidents on the dashboard."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from portal.selectors import open_incidents


class OpenIncidentsPanel(Component):
    """Reminds staff of incidents still shown in the site-wide banner, with links to update them."""

    name = "open_incidents"
    order = 50
    template_name = "portal/admin/open_incidents_panel.html"

    def get_context_data(self, parent_context):
        return {"incidents": open_incidents()}


@hooks.register("construct_homepage_panels")
def add_open_incidents_panel(request, panels):
    panels.insert(0, OpenIncidentsPanel())


from portal.dashboard import admin as dashboard_admin  # noqa: E402, F401 - the staff dashboard
from portal.surveys import staff as surveys_staff  # noqa: E402, F401 - survey results
