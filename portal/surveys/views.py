"""Serving a survey page (``SurveyPage.serve``): show the questions, save a response, thank.

Members sign in first unless the survey allows anonymous answers. A member who already gave the
one response a survey takes sees a note instead of the form; a refused response (answered in
another tab at the same moment, survey closed) is shown as that note, never a 500. A saved
response redirects to ``?answered=1``, which shows the thank-you text (so reloading does not
post again).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from portal.surveys.selectors import has_answered
from portal.surveys.services import ALREADY_ANSWERED, COURSE_SURVEY_ONLY, SurveyError, survey_submit


def survey_serve(request: HttpRequest, *, page) -> HttpResponse:
    member = request.user
    if request.GET.get("answered") == "1":
        return page.render_landing_page(request)
    if not page.allow_anonymous and not member.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form, notice = None, ""
    if page.is_course_feedback:
        notice = COURSE_SURVEY_ONLY
    elif has_answered(page=page, member=member):
        notice = ALREADY_ANSWERED
    elif request.method == "POST":
        form = page.get_form(request.POST, page=page, user=member)
        if form.is_valid():
            try:
                survey_submit(page=page, member=member, answers=form.answers())
            except SurveyError as error:
                form, notice = None, str(error)
            else:
                return redirect(f"{page.url}?answered=1")
    else:
        form = page.get_form(page=page, user=member)
    context = page.get_context(request)
    context.update(form=form, notice=notice)
    return TemplateResponse(request, page.get_template(request), context)
