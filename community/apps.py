from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from community.list_selectors import tag_choices_forget
        from community.models import Tag

        post_save.connect(tag_choices_forget, sender=Tag, dispatch_uid="tag_choices_save")
        post_delete.connect(tag_choices_forget, sender=Tag, dispatch_uid="tag_choices_delete")
