"""Demo data (a step of ``portal.demo.SEED_STEPS``): the "Support experience" survey with every
question type and a skip rule, 30 responses spread over the past 8 weeks from demo members
(survey1..30@demo.localhost), and the course feedback survey with the learners' answers.

Responses go through the real form (validation, skip rules) and ``survey_submit``; only their
dates are moved back afterwards. Running it again changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from allauth.account.models import EmailAddress

from portal.accounts.models import User
from portal.models import HomePage
from portal.models.surveys import SurveyAnswer, SurveyField, SurveyPage, SurveySubmission
from portal.surveys import questions as q
from portal.surveys.course_feedback import course_feedback_survey, course_feedback_survey_ensure
from portal.surveys.selectors import has_answered
from portal.surveys.services import survey_submit

SLUG = "support-experience"
RESPONSES = 30
WEEKS = 8
SEED = 20261123  # fixed, so every demo portal gets the same answers

RECOMMEND_LABEL = "How likely are you to recommend us to a colleague?"
CHANNEL_LABEL = "Which channel did you use?"
MISSING = ["A clear answer", "A faster reply", "Examples or code", "A follow-up"]
CHANNELS = ["Community Q&A", "E-mail", "Live chat", "Phone"]
ROLES = ["Platform engineer", "Developer", "Data engineer", "Architect", "", ""]
COMMENTS = [
    "Answer came quickly and the example worked first time.",
    "Had to explain the problem twice before anyone looked at the logs.",
    "The community thread was more useful than the ticket.",
    "",
    "",
]
IMPROVE = [
    "Link to the docs page in the first reply.",
    "Tell me when the fix ships.",
    "",
]

#: (label, type, help text, required, choices, skip when, skip to)
QUESTIONS = [
    ("How would you rate the help you got?", q.SCALE, "", True, "", "", ""),
    ("Was your problem solved?", q.YES_NO, "", True, "", q.YES, CHANNEL_LABEL),
    ("What was still missing?", q.CHOICES, "Choose all that apply.", True, MISSING, "", ""),
    ("What should we do differently?", q.COMMENT, "", False, "", "", ""),
    (CHANNEL_LABEL, q.CHOICE, "", True, CHANNELS, "", ""),
    (RECOMMEND_LABEL, q.RECOMMEND, "", True, "", "", ""),
    ("What is your role?", q.SHORT_TEXT, "For example “developer”.", False, "", "", ""),
    ("Anything else you would like to tell us?", q.COMMENT, "", False, "", "", ""),
]


def _survey(home: HomePage) -> tuple[SurveyPage, bool]:
    existing = SurveyPage.objects.child_of(home).filter(slug=SLUG).first()
    if existing is not None:
        return existing, False
    page = SurveyPage(
        title="Support experience",
        slug=SLUG,
        intro="<p>Tell us how your last support request went: it takes two minutes.</p>",
        thank_you_text="<p>Thank you! We read every answer and follow up on the comments.</p>",
    )
    for order, (label, kind, help_text, required, choices, when, to) in enumerate(QUESTIONS):
        page.form_fields.add(
            SurveyField(
                label=label,
                field_type=kind,
                help_text=help_text,
                required=required,
                choices="\n".join(choices),
                skip_when=when,
                skip_to=to,
                sort_order=order,
            )
        )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _member(number: int, hashed_password: str) -> tuple[User, bool]:
    email = f"survey{number}@demo.localhost"
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User.objects.create(
        email=email, password=hashed_password, display_name=f"Survey respondent {number}"
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user, True


def _post(page: SurveyPage, rng: random.Random) -> dict:
    """A plausible response, as the browser would post it (by clean name)."""
    names = [field.clean_name for field in page.get_form_fields()]
    mood = rng.random()
    scale = list(q.SCALE_POINTS)[0 if mood > 0.7 else 1 if mood > 0.4 else rng.randint(2, 4)]
    solved = q.YES if mood > 0.35 else q.NO
    recommend = min(10, max(0, round(mood * 10 + rng.choice([-1, 0, 0, 1]))))
    values = [
        scale if rng.random() > 0.05 else q.NOT_APPLICABLE,
        solved,
        rng.sample(MISSING, rng.randint(1, 2)),
        rng.choice(IMPROVE),
        rng.choice(CHANNELS),
        str(recommend),
        rng.choice(ROLES),
        rng.choice(COMMENTS),
    ]
    return dict(zip(names, values, strict=True))


def seed(*, staff_email: str, password: str) -> list[str]:
    """Create the demo data; return lines to print. Running it again changes nothing."""
    lines: list[str] = []
    home = HomePage.objects.first()
    if home is None:
        return lines
    had_course_survey = course_feedback_survey() is not None
    course_survey = course_feedback_survey_ensure()
    if course_survey is not None and not had_course_survey:
        copied = SurveySubmission.objects.filter(page=course_survey).count()
        lines.append(f"Course feedback survey created, with {copied} earlier course answers.")
    page, made = _survey(home)
    if made:
        lines.append(f"Survey “{page.title}” created at {page.url}.")
    page = SurveyPage.objects.get(pk=page.pk)
    rng = random.Random(SEED)  # noqa: S311 - plausible demo answers, not secrets
    now = timezone.now()
    answered = 0
    hashed = make_password(password)  # hashed once: the same password for the 30 members
    for number in range(1, RESPONSES + 1):
        member, _ = _member(number, hashed)
        data = _post(page, rng)
        at = now - timedelta(days=WEEKS * 7 * (RESPONSES - number) / RESPONSES, hours=number % 9)
        if has_answered(page=page, member=member):
            continue
        form = page.get_form(data, page=page, user=member)
        if not form.is_valid():
            raise ValueError(f"Demo survey answer refused: {form.errors.as_text()}")
        with transaction.atomic():
            submission = survey_submit(page=page, member=member, answers=form.answers())
            SurveySubmission.objects.filter(pk=submission.pk).update(submit_time=at, updated_at=at)
            SurveyAnswer.objects.filter(submission=submission).update(submitted_at=at)
        answered += 1
    if answered:
        lines.append(
            f"{answered} demo members answered “{page.title}” over the past {WEEKS} weeks."
        )
    return lines
