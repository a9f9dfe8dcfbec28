from portal.models.pages import (  # noqa: F401
    AnnouncementIndexPage,
    AnnouncementPage,
    HomePage,
    IncidentUpdate,
)
from portal.models.settings import BrandSettings  # noqa: F401
from portal.models.surveys import SurveyAnswer, SurveyField, SurveyPage, SurveySubmission  # noqa: F401
