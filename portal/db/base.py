"""django-tenants' backend, keeping Django's ContentType cache per schema instead of clearing it.

django-tenants clears the whole ContentType cache on every schema switch, because content type
ids differ between schemas. Each request switches schema, so Wagtail's page routing then costs one
content-type query per kind of page on the path, on every request (2 of a page's 14 queries).
Here each schema keeps its own cache, swapped in when the connection switches to that schema:
ids still never cross schemas, and a warm process asks for each content type once.
"""

from django.contrib.contenttypes.models import ContentType

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        self._content_type_caches: dict[str, dict] = {}
        super().__init__(*args, **kwargs)

    def set_tenant(self, tenant, include_public=True):
        manager = ContentType.objects
        previous = getattr(self, "schema_name", None)
        current_cache = manager._cache.get(self.alias)
        super().set_tenant(tenant, include_public)  # clears the manager's cache
        if previous is not None and current_cache is not None:
            self._content_type_caches[previous] = current_cache
        manager._cache[self.alias] = self._content_type_caches.setdefault(tenant.schema_name, {})

    def forget_schema(self, schema_name: str) -> None:
        """Drop a schema's cached content types (its schema was dropped or rebuilt)."""
        self._content_type_caches.pop(schema_name, None)
        if getattr(self, "schema_name", None) == schema_name:
            ContentType.objects._cache[self.alias] = self._content_type_caches.setdefault(
                schema_name, {}
            )
