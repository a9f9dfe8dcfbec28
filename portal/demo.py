"""The demo portal (``python manage.py seed_demo``): one place, one function per area.

Every step is idempotent: it looks for what it would make and leaves existing data alone, so
running the command twice changes nothing. Later features add their own step (courses, exams,
community questions) by appending a function to ``SEED_STEPS``; each step runs inside the demo
portal's schema and returns lines to print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from wagtail.models import Site

from allauth.account.models import EmailAddress
from django_tenants.utils import schema_context

from portal.accounts.models import User
from portal.models import AnnouncementIndexPage, AnnouncementPage, HomePage, IncidentUpdate
from portal.seeding import portal_url
from portal.tenants.models import Organization
from portal.tenants.services import portal_create

SLUG = "demo"
NAME = "Northwind Cloud Academy"
DOMAIN = "demo.localhost"
STAFF_EMAIL = "staff@demo.localhost"
STAFF_PASSWORD = "demo-staff-password"  # noqa: S105 - a documented demo login
LEARNER_PASSWORD = "demo-learner-password"  # noqa: S105 - a documented demo login
ACCENT = "#0f5f8c"
TAGLINE = "Learn the platform, prove your skills, and get answers from people who use it."

LEARNERS = [
    {
        "email": "learner1@demo.localhost",
        "display_name": "Amara Okafor",
        "country": "NG",
        "languages": ["en", "yo"],
        "time_zone": "Africa/Lagos",
        "bio": "Platform engineer. Automates everything twice.",
    },
    {
        "email": "learner2@demo.localhost",
        "display_name": "Lukas Brenner",
        "country": "DE",
        "languages": ["de", "en"],
        "time_zone": "Europe/Berlin",
        "bio": "Data engineer learning the streaming APIs.",
    },
    {
        "email": "learner3@demo.localhost",
        "display_name": "Mei Tanaka",
        "country": "JP",
        "languages": ["ja", "en"],
        "time_zone": "Asia/Tokyo",
        "bio": "Solutions architect; happy to help with networking questions.",
    },
]


@dataclass
class SeedContext:
    """What the steps share: the portal's organization, domain and the lines to print."""

    organization: Organization
    domain: str
    created: bool
    lines: list[str] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return portal_url(self.domain, path)


SeedStep = Callable[[SeedContext], None]


# --- Portal --------------------------------------------------------------------------------


def ensure_portal() -> SeedContext:
    """The demo Organization, created through ``portal_create`` when missing."""
    connection.set_schema_to_public()
    organization = Organization.objects.filter(slug=SLUG).first()
    if organization is not None:
        domain = organization.domains.filter(is_primary=True).values_list("domain", flat=True)
        return SeedContext(
            organization=organization, domain=domain.first() or DOMAIN, created=False
        )
    portal = portal_create(slug=SLUG, name=NAME, domain=DOMAIN, admin_email=STAFF_EMAIL)
    return SeedContext(organization=portal.organization, domain=portal.domain, created=True)


# --- Steps ---------------------------------------------------------------------------------


def seed_site(ctx: SeedContext) -> None:
    """Brand (accent, tagline) and the home page's sections, unless staff changed them already."""
    site = Site.objects.get(is_default_site=True)
    from portal.models import BrandSettings

    brand = BrandSettings.for_site(site)
    if not brand.tagline:
        brand.tagline = TAGLINE
        brand.accent_colour = ACCENT
        brand.footer_text = "Northwind Cloud, 1 Harbour Street, Portsmouth · Demo data only"
        brand.full_clean()
        brand.save()
    home = HomePage.objects.get(pk=site.root_page_id)
    if any(block.block_type == "features" for block in home.body):
        return  # already seeded, or edited by staff: leave it
    home.intro = TAGLINE
    home.body = [
        (
            "hero",
            {
                "heading": "Become a Northwind Cloud expert",
                "text": (
                    "Free, self-paced courses from the people who build the platform, "
                    "certifications your employer can verify, and a community that answers."
                ),
                "call_to_action": {"label": "Start learning", "page": None, "url": "/courses/"},
            },
        ),
        (
            "features",
            {
                "heading": "Everything you need to get productive",
                "cards": [
                    {
                        "title": "Courses",
                        "text": "Short video lessons, hands-on labs and quizzes, from first "
                        "deployment to production tuning.",
                        "link": {"label": "Browse courses", "page": None, "url": "/courses/"},
                    },
                    {
                        "title": "Certification",
                        "text": "Timed exams that award Open Badges: shareable, and verifiable by "
                        "anyone.",
                        "link": {
                            "label": "See certifications",
                            "page": None,
                            "url": "/certification/",
                        },
                    },
                    {
                        "title": "Community",
                        "text": "Ask questions, share what you learned, and get answers from "
                        "certified experts.",
                        "link": {
                            "label": "Visit the community",
                            "page": None,
                            "url": "/community/",
                        },
                    },
                ],
            },
        ),
        ("latest_announcements", {"heading": "News and status", "count": 3}),
        (
            "callout",
            {
                "tone": "tip",
                "text": "<p>New here? Create a free account to track your progress and "
                "earn badges.</p>",
            },
        ),
    ]
    home.save_revision().publish()
    ctx.lines.append("Home page sections and brand set.")


def seed_members(ctx: SeedContext) -> None:
    """The staff account's demo password and three verified learners."""
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is not None and not staff.check_password(STAFF_PASSWORD):
        staff.set_password(STAFF_PASSWORD)
        staff.save(update_fields=["password"])
        ctx.lines.append("Staff password set.")
    for spec in LEARNERS:
        fields = {key: value for key, value in spec.items() if key != "email"}
        if User.objects.filter(email=spec["email"]).exists():
            continue
        user = User.objects.create_user(email=spec["email"], password=LEARNER_PASSWORD, **fields)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        ctx.lines.append(f"Learner {user.email} created.")


def seed_announcements(ctx: SeedContext) -> None:
    """Two news posts and one resolved incident with its timeline."""
    index = AnnouncementIndexPage.objects.first()
    if index is None:
        return
    now = timezone.now().replace(second=0, microsecond=0)
    posts = [
        AnnouncementPage(
            title="Welcome to the Northwind Cloud Academy",
            slug="welcome",
            summary="Our new home for training, certification and community is open.",
            published_at=now - timedelta(days=12),
            body=[
                (
                    "paragraph",
                    "<p>Everything we used to spread over three sites now lives here: courses, "
                    "exams and the community forum, with one account.</p>",
                )
            ],
        ),
        AnnouncementPage(
            title="New course: Observability fundamentals",
            slug="new-course-observability",
            summary="Metrics, logs and traces in six short lessons, with a hands-on lab.",
            published_at=now - timedelta(days=5),
            body=[
                (
                    "paragraph",
                    "<p>Learn to instrument a service, build a dashboard and set alerts that "
                    "wake the right person. About two hours in total.</p>",
                )
            ],
        ),
    ]
    started = now - timedelta(days=2, hours=3)
    incident = AnnouncementPage(
        title="Lab environments slow to start",
        slug="incident-lab-environments-slow",
        kind=AnnouncementPage.KIND_INCIDENT,
        severity="major",
        summary="Hands-on lab environments took up to ten minutes to start.",
        published_at=started,
    )
    incident.updates = [
        IncidentUpdate(
            posted_at=started,
            status=IncidentUpdate.STATUS_INVESTIGATING,
            message="Some learners report that lab environments take several minutes to start. "
            "We are investigating.",
        ),
        IncidentUpdate(
            posted_at=started + timedelta(minutes=40),
            status=IncidentUpdate.STATUS_IDENTIFIED,
            message="A capacity limit in one region is delaying new environments. We are "
            "adding capacity.",
        ),
        IncidentUpdate(
            posted_at=started + timedelta(hours=1, minutes=25),
            status=IncidentUpdate.STATUS_MONITORING,
            message="New capacity is online and start times are back to normal. We are monitoring.",
        ),
        IncidentUpdate(
            posted_at=started + timedelta(hours=2, minutes=10),
            status=IncidentUpdate.STATUS_RESOLVED,
            message="Start times have stayed normal for 45 minutes. This incident is resolved.",
        ),
    ]
    posts.append(incident)
    existing = set(index.get_children().values_list("slug", flat=True))
    for post in posts:
        if post.slug in existing:
            continue
        index.add_child(instance=post)
        post.save_revision().publish()
        ctx.lines.append(f"Announcement “{post.title}” published.")


COURSES = [
    {
        "title": "Getting started with Northwind Cloud",
        "slug": "getting-started",
        "summary": "Create an account, deploy your first service and find your way around.",
        "level": "beginner",
        "estimated_minutes": 45,
        "instructor": "Dana Whitfield",
        "outcomes": "Deploy a service from the console\nRead its logs\nInvite a teammate",
        "tags": ["basics", "deployment"],
        "lessons": [
            ("Welcome", "Start here", False),
            ("Your first deployment", "Start here", True),
            ("Reading logs", "Day two", False),
            ("Working as a team", "Day two", False),
        ],
    },
    {
        "title": "Observability fundamentals",
        "slug": "observability-fundamentals",
        "summary": "Metrics, logs and traces: instrument a service and set alerts that matter.",
        "level": "intermediate",
        "estimated_minutes": 120,
        "instructor": "Ravi Menon",
        "outcomes": "Instrument a service\nBuild a dashboard\nWrite an alert",
        "tags": ["observability"],
        "lessons": [
            ("Why observability", "", False),
            ("Metrics that matter", "", True),
            ("Structured logs", "", False),
            ("Tracing a request", "", False),
        ],
    },
    {
        "title": "Production networking",
        "slug": "production-networking",
        "summary": "Private networks, load balancers and zero-downtime deploys.",
        "level": "advanced",
        "estimated_minutes": 90,
        "instructor": "Mei Tanaka",
        "outcomes": "Design a private network\nConfigure a load balancer\nShip without downtime",
        "tags": ["networking", "deployment"],
        "lessons": [
            ("Private networks", "", False),
            ("Load balancers", "", True),
            ("Zero-downtime deploys", "", False),
            ("Review", "", False),
        ],
    },
]


# Two lessons get a real (tiny) video (a wagtailmedia item with a poster) with English and French
# captions, stored as data in portal/demo_media/; the third video lesson waits for staff.
DEMO_MEDIA = Path(__file__).resolve().parent / "demo_media"
CAPTION_LANGUAGES = [("en", "English"), ("fr", "Français")]
DEMO_VIDEOS = [
    # (course slug, lesson title, file stem in DEMO_MEDIA, length in seconds: no probe needed)
    ("getting-started", "Your first deployment", "first-deployment", 24.0),
    ("observability-fundamentals", "Metrics that matter", "metrics-that-matter", 24.0),
]


def _lesson_body(title: str, video: bool) -> list:
    body: list = []
    if video:  # _attach_demo_videos or staff add the file and captions
        body.append(("video", {"title": title, "video": None, "url": "", "captions": []}))
    body += [
        ("paragraph", f"<p>In this lesson, <b>{title.lower()}</b>, step by step.</p>"),
        (
            "code",
            {"language": "bash", "code": "northwind deploy --service hello", "caption": ""},
        ),
        ("callout", {"tone": "tip", "text": "<p>Try it in the free sandbox project.</p>"}),
        (
            "knowledge_check",
            {
                "question": "Where do you start a deployment?",
                "choices": [
                    {
                        "text": "The console or the CLI",
                        "correct": True,
                        "explanation": "Both work.",
                    },
                    {"text": "By email", "correct": False, "explanation": "No, use the console."},
                ],
            },
        ),
    ]
    return body


def seed_courses(ctx: SeedContext) -> None:
    """The catalog at /courses/ with three courses of four lessons each (the first a preview)."""
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    home = HomePage.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    catalog = CourseIndexPage.objects.first()
    if catalog is None:
        catalog = CourseIndexPage(
            title="Courses",
            slug="courses",
            intro="Free, self-paced courses with video and quizzes.",
        )
        home.add_child(instance=catalog)
        catalog.save_revision().publish()
        ctx.lines.append("Course catalog published at /courses/.")
    existing = set(CoursePage.objects.values_list("slug", flat=True))
    for spec in COURSES:
        if spec["slug"] in existing:
            continue
        fields = {key: value for key, value in spec.items() if key not in ("tags", "lessons")}
        course = CoursePage(**fields)
        catalog.add_child(instance=course)
        course.tags.add(*spec["tags"])
        course.save_revision().publish()
        for number, (title, section, video) in enumerate(spec["lessons"]):
            lesson = LessonPage(
                title=title,
                section=section,
                is_preview=number == 0,
                body=_lesson_body(title, video),
            )
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
        ctx.lines.append(f"Course “{course.title}” published with {len(spec['lessons'])} lessons.")
    _attach_demo_videos(ctx)


def _demo_document(title: str, filename: str):
    """The Wagtail document with this title, created from ``DEMO_MEDIA/filename`` when missing."""
    from wagtail.documents import get_document_model

    document_model = get_document_model()
    document = document_model.objects.filter(title=title).first()
    if document is None:
        with (DEMO_MEDIA / filename).open("rb") as handle:
            document = document_model(title=title, file=File(handle, name=filename))
            document._set_document_file_metadata()
            document.save()
    return document


def _demo_media(title: str, stem: str, duration: float):
    """The wagtailmedia video with this title, from ``DEMO_MEDIA/<stem>.mp4`` and its poster."""
    from wagtailmedia import get_media_model

    media_model = get_media_model()
    media = media_model.objects.filter(title=title, type="video").first()
    if media is None:
        media = media_model(title=title, type="video", duration=duration, width=320, height=180)
        with (DEMO_MEDIA / f"{stem}.mp4").open("rb") as video:
            media.file.save(f"{stem}.mp4", File(video), save=False)
        with (DEMO_MEDIA / f"{stem}.poster.png").open("rb") as poster:
            media.thumbnail.save(f"{stem}.png", File(poster), save=False)
        media.save()
    return media


def _attach_demo_videos(ctx: SeedContext) -> None:
    """Give the demo video lessons their media item and captions, unless they have a video."""
    from courses.models import CoursePage, LessonPage

    for course_slug, lesson_title, stem, duration in DEMO_VIDEOS:
        course = CoursePage.objects.filter(slug=course_slug).first()
        lesson = course and LessonPage.objects.child_of(course).filter(title=lesson_title).first()
        if lesson is None:
            continue
        raw = lesson.body.raw_data
        index = next((i for i, block in enumerate(raw) if block["type"] == "video"), None)
        if index is None or raw[index]["value"].get("video") or raw[index]["value"].get("url"):
            continue
        video = _demo_media(f"Demo video: {lesson_title}", stem, duration)
        captions = [
            {
                "type": "item",
                "id": str(uuid4()),
                "value": {
                    "language": code,
                    "label": label,
                    "file": _demo_document(
                        f"Demo captions ({code}): {lesson_title}", f"{stem}.{code}.vtt"
                    ).pk,
                },
            }
            for code, label in CAPTION_LANGUAGES
        ]
        block = raw[index]
        value = {key: item for key, item in block["value"].items() if key != "document"}
        raw[index] = {**block, "value": {**value, "video": video.pk, "captions": captions}}
        lesson.save_revision().publish()
        ctx.lines.append(f"Lesson “{lesson.title}” has a demo video with en and fr captions.")


def seed_sessions(ctx: SeedContext) -> None:
    """One live session with an expert and one classroom session in the catalog, next week."""
    from courses.models import CourseIndexPage, LiveSessionPage

    catalog = CourseIndexPage.objects.first()
    if catalog is None:
        return
    existing = set(LiveSessionPage.objects.values_list("slug", flat=True))
    start = (timezone.now() + timedelta(days=7)).replace(hour=15, minute=0, second=0, microsecond=0)
    specs = [
        {
            "title": "Ask an expert: scaling your first cluster",
            "slug": "ask-an-expert-scaling",
            "kind": LiveSessionPage.LIVE,
            "expert": "Dana Whitfield",
            "summary": "An hour of questions and answers on sizing, autoscaling and costs.",
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
            "capacity": 50,
            "join_url": "https://meet.example.com/northwind-scaling",
        },
        {
            "title": "Hands-on workshop: networking fundamentals",
            "slug": "workshop-networking-fundamentals",
            "kind": LiveSessionPage.CLASSROOM,
            "expert": "Ravi Menon",
            "summary": "A day in the classroom building a private network, step by step.",
            "starts_at": start + timedelta(days=2, hours=-6),
            "ends_at": start + timedelta(days=2, hours=1),
            "capacity": 12,
            "location": "Northwind Training Centre, 1 Harbour Street, Room 3",
            "price": Decimal("490.00"),
            "currency": "EUR",
        },
    ]
    for spec in specs:
        if spec["slug"] in existing:
            continue
        session = LiveSessionPage(**spec)
        catalog.add_child(instance=session)
        session.save_revision().publish()
        ctx.lines.append(f"Session “{session.title}” published at {session.url}.")


def seed_exams(ctx: SeedContext) -> None:
    """Two question banks of 30 questions and two published exams at /certification/."""
    from certification.demo_data import BANKS, EXAMS, bank_stream
    from certification.models import Exam, ExamTopicQuota, QuestionBank
    from courses.models import CoursePage

    for spec in BANKS:
        if QuestionBank.objects.filter(name=spec["name"]).exists():
            continue
        QuestionBank.objects.create(
            name=spec["name"],
            description=spec["description"],
            questions=bank_stream(spec["questions"]),
        )
        ctx.lines.append(f"Question bank “{spec['name']}” created.")
    for spec in EXAMS:
        if Exam.objects.filter(slug=spec["slug"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k not in ("banks", "quotas", "prerequisites")}
        exam = Exam.objects.create(live=True, **fields)
        exam.banks.set(QuestionBank.objects.filter(name__in=spec["banks"]))
        exam.prerequisites.set(CoursePage.objects.filter(slug__in=spec["prerequisites"]))
        for topic, count in spec["quotas"].items():
            ExamTopicQuota.objects.create(exam=exam, topic=topic, count=count)
        ctx.lines.append(f"Exam “{exam.title}” published at {exam.get_absolute_url()}.")


def seed_certifications(ctx: SeedContext) -> None:
    """Certifications of the demo exams, certified learners, and a batch of 20 vouchers."""
    from certification.demo_data import seed_certifications as seed

    ctx.lines.extend(seed(staff_email=STAFF_EMAIL))


def seed_badges(ctx: SeedContext) -> None:
    """An Expert badge rule and one MVP (learner 2), approved from a nomination."""
    from certification.demo_data import seed_badges as seed

    ctx.lines.extend(seed(staff_email=STAFF_EMAIL))


def seed_community(ctx: SeedContext) -> None:
    """Community tags, two more members, questions and answers, votes, accepted answers (the
    MVP earns the Expert badge) and flags for the moderation queue."""
    from community.demo_data import seed_community as seed

    ctx.lines.extend(seed(password=LEARNER_PASSWORD))


# Survey answers of the demo learners who completed a course (content, instructor, pace, 0-10).
DEMO_FEEDBACK = [
    (5, 5, 4, 10, "Short, clear lessons. My first deployment worked on the first try."),
    (4, 4, 3, 8, "A good start; the logs lesson could use a longer example."),
    (3, 4, 2, 6, ""),
]
FEEDBACK_COURSE = "getting-started"


def _complete_for_demo(member, course) -> None:
    """Take every lesson of ``course`` as a learner would: watch the videos, mark the rest done."""
    from courses.models import LessonPage
    from courses.services import enrollment_create, lesson_complete, progress_record

    enrollment_create(member=member, course=course)
    for lesson in LessonPage.objects.live().child_of(course).order_by("path"):
        if lesson.has_video:
            progress_record(member=member, lesson=lesson, position=60, duration=60)
        else:
            lesson_complete(member=member, lesson=lesson)


def seed_feedback(ctx: SeedContext) -> None:
    """Survey answers from the demo learners who completed a course, for the course reports.

    If no demo learner completed a course yet, the first two complete “Getting started” first
    (through the courses' services, as if they had taken it). Learners who answered are left
    alone, so running it again changes nothing.
    """
    from django.db.models import Exists, OuterRef

    from courses.feedback_services import feedback_submit
    from courses.models import CourseFeedback, CoursePage, Enrollment

    learners = User.objects.filter(email__in=[spec["email"] for spec in LEARNERS]).order_by("email")
    completed = Enrollment.objects.filter(
        member__in=learners, completed_at__isnull=False, course__live=True
    )
    if not completed.exists():
        course = CoursePage.objects.live().filter(slug=FEEDBACK_COURSE).first()
        if course is None:
            return
        for member in learners[:2]:
            _complete_for_demo(member, course)
            ctx.lines.append(f"{member.email} completed “{course.title}”.")
    answered = CourseFeedback.objects.filter(member=OuterRef("member"), course=OuterRef("course"))
    waiting = completed.exclude(Exists(answered)).select_related("member", "course")
    for number, enrollment in enumerate(waiting.order_by("member__email", "course_id")):
        content, instructor, pace, recommend, comment = DEMO_FEEDBACK[number % len(DEMO_FEEDBACK)]
        feedback_submit(
            member=enrollment.member,
            course=enrollment.course,
            content_rating=content,
            instructor_rating=instructor,
            pace_rating=pace,
            recommend=recommend,
            comment=comment,
        )
        ctx.lines.append(
            f"{enrollment.member.email} answered the survey of “{enrollment.course.title}”."
        )


def _advocacy_step(module: str, doc: str) -> SeedStep:
    """A step that runs ``module.seed(staff_email=, password=)`` and prints its lines."""

    def step(ctx: SeedContext) -> None:
        from importlib import import_module

        seed = import_module(module).seed
        ctx.lines.extend(seed(staff_email=STAFF_EMAIL, password=LEARNER_PASSWORD))

    step.__name__ = f"seed_{module.rsplit('.', 1)[-1]}"
    step.__doc__ = doc
    return step


seed_ideas = _advocacy_step(
    "community.demo_ideas", "Ideas and complaints in every status, one declined, one merged."
)
seed_recognition = _advocacy_step(
    "community.demo_recognition",
    "The wall of thanks, a recognition award and a finished giveaway with its seed and winners.",
)
seed_referrals = _advocacy_step(
    "portal.accounts.demo_referrals",
    "Referrals, staff notes on a member and members' stated interests.",
)
seed_testimonials = _advocacy_step(
    "community.demo_testimonials", "Three published testimonials and one waiting for its author."
)
seed_surveys = _advocacy_step("portal.surveys.demo", "A survey with 30 responses.")
seed_dashboard = _advocacy_step(
    "portal.dashboard.demo", "Eight weeks of history for the staff dashboard."
)


SEED_STEPS: list[SeedStep] = [
    seed_site,
    seed_members,
    seed_announcements,
    seed_courses,
    seed_sessions,
    seed_exams,
    seed_certifications,
    seed_badges,
    seed_community,
    seed_feedback,
    seed_ideas,
    seed_recognition,
    seed_referrals,
    seed_surveys,
    seed_dashboard,
    # Last: its invitation sweep then sees every course answer of 9 or 10 the steps above made,
    # so a second run invites nobody new.
    seed_testimonials,
]


def seed(*, steps: list[SeedStep] | None = None) -> SeedContext:
    """Ensure the demo portal exists, then run every step inside its schema, each atomically."""
    ctx = ensure_portal()
    with schema_context(ctx.organization.schema_name):
        for step in steps or SEED_STEPS:
            with transaction.atomic():
                step(ctx)
    connection.set_schema_to_public()
    return ctx
