from portal.models.pages import (  # noqa: F401
    AnnouncementIndexPage,
    AnnouncementPage,
    HomePage,
    IncidentUpdate,
)
from portal.models.settings import BrandSettings  # noqa: F401
