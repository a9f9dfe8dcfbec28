from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished

        from portal.models import AnnouncementPage, IncidentUpdate
        from portal.selectors import open_incidents_forget

        # The site-wide incident banner is cached per portal: any change that may alter it.
        for model in (AnnouncementPage, IncidentUpdate, PageViewRestriction):
            post_save.connect(open_incidents_forget, sender=model, dispatch_uid=f"oi_{model}_s")
            post_delete.connect(open_incidents_forget, sender=model, dispatch_uid=f"oi_{model}_d")
        for name, signal in (("published", page_published), ("unpublished", page_unpublished)):
            signal.connect(open_incidents_forget, sender=AnnouncementPage, dispatch_uid=name)
