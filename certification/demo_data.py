"""The demo portal's question banks and exams (``portal/demo.py`` seeds them).

Each question: (topic, kind, text, choices, indexes of the right choices, explanation).
"""

from certification.blocks import MULTIPLE as M
from certification.blocks import SINGLE as S
from certification.blocks import TRUE_FALSE as TF

TRUE_FALSE = ["True", "False"]

# fmt: off
PLATFORM_QUESTIONS = [
    ("Deployment", S, "Which command deploys a service from the current folder?",
     ["northwind deploy", "northwind push --all", "northwind ship", "northwind release"], [0],
     "`northwind deploy` builds and deploys the service in the current folder."),
    ("Deployment", S, "Where do you set a service's environment variables?",
     ["In the service's Settings tab or northwind env set", "In a support ticket",
      "Only in the Dockerfile", "They cannot be changed after creation"], [0],
     "Environment variables live in the service settings and the CLI's env commands."),
    ("Deployment", TF, "A failed deployment replaces the running version of a service.",
     TRUE_FALSE, [1], "The running version keeps serving until a new one is healthy."),
    ("Deployment", M, "Which of these can trigger a deployment?",
     ["A push to the connected Git branch", "The deploy button in the console",
      "northwind deploy", "Editing a service's description"], [0, 1, 2],
     "Git pushes, the console and the CLI deploy; a description change does not."),
    ("Deployment", S, "What does a rollback do?",
     ["Redeploys a previous, known-good release", "Deletes the service",
      "Restarts the current release", "Clears the build cache"], [0],
     "A rollback redeploys an earlier release as it was."),
    ("Deployment", S, "How many releases does the console keep for rollback by default?",
     ["10", "1", "Unlimited", "None"], [0], "The last ten releases stay available."),
    ("Deployment", TF, "Health checks decide when a new release starts receiving traffic.",
     TRUE_FALSE, [0], "Traffic moves to a release once its health check passes."),
    ("Deployment", S, "Which file pins a service's runtime version?",
     ["northwind.toml", "README.md", ".gitignore", "LICENSE"], [0],
     "northwind.toml holds the runtime and build settings."),
    ("Deployment", M, "Which are valid deployment strategies on Northwind Cloud?",
     ["Rolling", "Blue-green", "Canary", "Random"], [0, 1, 2],
     "Rolling, blue-green and canary are supported; random is not a strategy."),
    ("Deployment", S, "Who can deploy to a production environment by default?",
     ["Members with the Deployer or Owner role", "Anyone with the project link",
      "Only the billing contact", "Nobody until support enables it"], [0],
     "Deployer and Owner roles may deploy to production."),
    ("Observability", S, "Which signal tells you how long requests take?",
     ["Latency metrics", "The billing page", "The audit log", "DNS records"], [0],
     "Latency histograms show how long requests take."),
    ("Observability", M, "Which are the three pillars of observability?",
     ["Metrics", "Logs", "Traces", "Invoices"], [0, 1, 2],
     "Metrics, logs and traces; invoices are not telemetry."),
    ("Observability", TF, "Structured logs are easier to search than free-text logs.",
     TRUE_FALSE, [0], "Fields can be filtered and aggregated directly."),
    ("Observability", S, "What does a trace show?",
     ["The path of one request through services", "The CPU of one machine",
      "The monthly bill", "The list of team members"], [0],
     "A trace follows one request across services, span by span."),
    ("Observability", S, "Which percentile best shows what slow users experience?",
     ["p95 or p99", "The minimum", "The mean", "The first request of the day"], [0],
     "High percentiles show the tail that averages hide."),
    ("Observability", S, "An alert should fire when…",
     ["users are affected or soon will be", "any log line contains 'debug'",
      "CPU is above 10%", "a deployment starts"], [0],
     "Alert on symptoms users feel, not on every internal change."),
    ("Observability", TF, "Dashboards replace the need for alerts.", TRUE_FALSE, [1],
     "Nobody watches a dashboard at 3 a.m.; alerts page the right person."),
    ("Observability", M, "Which make a good alert?",
     ["It is actionable", "It has a runbook link", "It fires on every deploy",
      "It names the affected service"], [0, 1, 3],
     "Good alerts are actionable, documented and specific."),
    ("Observability", S, "How long are logs kept on the Standard plan?",
     ["30 days", "1 day", "Forever", "They are not kept"], [0],
     "The Standard plan retains logs for 30 days."),
    ("Observability", S, "What is an SLO?",
     ["A target for a service level, such as 99.9% of requests succeeding",
      "A support ticket priority", "A pricing tier", "A deployment strategy"], [0],
     "A service level objective is a target for a measured service level."),
    ("Networking", S, "What does a load balancer do?",
     ["Spreads traffic across healthy instances", "Encrypts disks",
      "Stores logs", "Builds container images"], [0],
     "It distributes requests over healthy instances."),
    ("Networking", TF, "Services in the same private network can talk without public IPs.",
     TRUE_FALSE, [0], "Private networks route internal traffic without public addresses."),
    ("Networking", M, "Which address ranges are private (RFC 1918)?",
     ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "8.8.8.0/24"], [0, 1, 2],
     "8.8.8.0/24 is public; the other three are the RFC 1918 ranges."),
    ("Networking", S, "Which port does HTTPS use by default?",
     ["443", "80", "22", "25"], [0], "HTTPS listens on 443; HTTP on 80."),
    ("Networking", S, "What makes a zero-downtime deploy possible?",
     ["Draining connections before stopping old instances", "Restarting all instances at once",
      "Turning off health checks", "Deleting the load balancer"], [0],
     "Draining lets in-flight requests finish while new instances take over."),
    ("Networking", S, "Which record points a domain name at an IPv4 address?",
     ["A", "MX", "TXT", "NS"], [0], "A records map names to IPv4 addresses."),
    ("Networking", TF, "TLS certificates for custom domains are renewed automatically.",
     TRUE_FALSE, [0], "Managed certificates renew before they expire."),
    ("Networking", M, "Which help protect a public service?",
     ["A web application firewall", "Rate limiting", "TLS", "Open SSH to everyone"],
     [0, 1, 2], "Exposing SSH to the internet widens the attack surface."),
    ("Networking", S, "What does a health check on the load balancer decide?",
     ["Which instances receive traffic", "The monthly price", "The region",
      "The DNS provider"], [0], "Failing instances are taken out of rotation."),
    ("Networking", S, "Which protocol does DNS mostly use for queries?",
     ["UDP on port 53", "TCP on port 80", "ICMP", "SMTP"], [0],
     "DNS queries mostly travel over UDP port 53."),
]

OPERATIONS_QUESTIONS = [
    ("Security", S, "Where should API keys be stored?",
     ["In the secrets manager", "In the Git repository", "In the README", "In a chat message"],
     [0], "Secrets belong in the secrets manager, never in code or chat."),
    ("Security", TF, "Owners should use two-factor authentication.", TRUE_FALSE, [0],
     "Two-factor authentication protects the accounts that can change everything."),
    ("Security", M, "Which are good practices for access?",
     ["Least privilege", "Separate roles per person", "Reviewing access regularly",
      "Sharing one admin login"], [0, 1, 2],
     "Shared logins hide who did what and cannot be revoked per person."),
    ("Security", S, "What does the audit log record?",
     ["Who changed what, and when", "CPU usage", "Request latency", "Invoices"], [0],
     "The audit log is the trail of changes by people and tokens."),
    ("Security", S, "How should you rotate a leaked token?",
     ["Create a new token, deploy it, then revoke the old one",
      "Wait for it to expire", "Rename it", "Email support and wait"], [0],
     "Replace first, then revoke, so nothing breaks while you fix the leak."),
    ("Security", TF, "Private networks make TLS between services unnecessary in every case.",
     TRUE_FALSE, [1], "Defence in depth: encrypt where data or rules require it."),
    ("Security", S, "Which role can manage billing?",
     ["Owner", "Viewer", "Deployer", "Guest"], [0], "Only Owners manage billing."),
    ("Security", M, "Which events should trigger an alert to the security contact?",
     ["A new Owner is added", "Two-factor is disabled for an Owner",
      "A token is created with full access", "A dashboard is renamed"], [0, 1, 2],
     "Changes to powerful access deserve attention; renaming dashboards does not."),
    ("Security", S, "What is the safest way to give CI access to deploy?",
     ["A scoped deploy token", "An Owner's password", "A personal access token of the CTO",
      "No authentication"], [0], "Scoped tokens limit what a leaked credential can do."),
    ("Security", S, "How are data at rest protected on Northwind Cloud?",
     ["Encrypted by default", "Only on request", "Not at all", "Only on weekends"], [0],
     "Volumes and backups are encrypted at rest by default."),
    ("Scaling", S, "What does horizontal scaling add?",
     ["More instances", "A bigger CPU on one instance", "More regions' invoices",
      "More log retention"], [0], "Horizontal scaling adds instances; vertical adds size."),
    ("Scaling", TF, "Autoscaling can react to request rate as well as CPU.", TRUE_FALSE, [0],
     "Autoscaling policies can use CPU, memory or request rate."),
    ("Scaling", M, "Which make a service easier to scale horizontally?",
     ["Keeping no session state in memory", "Using a shared cache",
      "Idempotent request handling", "Writing files to the local disk only"], [0, 1, 2],
     "Local state pins users to one instance; shared state scales out."),
    ("Scaling", S, "What is a sensible minimum number of instances for production?",
     ["Two, in different zones", "One", "Zero", "One per user"], [0],
     "Two instances in different zones survive the loss of one."),
    ("Scaling", S, "What does a queue help with under load?",
     ["Smoothing bursts of work", "Lowering DNS latency", "Encrypting traffic",
      "Shortening invoices"], [0], "Queues absorb bursts so workers keep a steady pace."),
    ("Scaling", S, "When should you scale a database vertically?",
     ["When one node is short of memory or CPU and reads cannot be moved to replicas",
      "Before every deploy", "Never", "When logs are too long"], [0],
     "Vertical scaling is the simple first step for a single primary."),
    ("Scaling", TF, "Read replicas can serve writes.", TRUE_FALSE, [1],
     "Replicas are read-only; writes go to the primary."),
    ("Scaling", M, "Which metrics are good autoscaling signals?",
     ["CPU utilisation", "Requests per second", "Queue depth", "Number of Git branches"],
     [0, 1, 2], "The Git branch count has nothing to do with load."),
    ("Scaling", S, "What is a cold start?",
     ["The delay while a new instance starts before serving", "A failed deploy",
      "A DNS change", "A billing reset"], [0],
     "New instances need time to boot and warm caches."),
    ("Scaling", S, "How do you keep costs down while scaling?",
     ["Set a maximum instance count and scale in when idle", "Never scale in",
      "Disable health checks", "Run everything on one instance"], [0],
     "Limits and scale-in keep bills matched to load."),
    ("Reliability", S, "What is a runbook?",
     ["Step-by-step instructions to handle a known problem", "A list of invoices",
      "A CPU graph", "A deployment strategy"], [0],
     "Runbooks let whoever is on call act quickly and consistently."),
    ("Reliability", TF, "Backups are only useful if restores are tested.", TRUE_FALSE, [0],
     "An untested backup is a hope, not a plan."),
    ("Reliability", M, "Which belong in a post-incident review?",
     ["A timeline", "The impact on users", "Follow-up actions", "Who to blame"], [0, 1, 2],
     "Reviews are blameless: they look for causes and fixes, not culprits."),
    ("Reliability", S, "What does an error budget allow?",
     ["Shipping changes while reliability stays above the SLO",
      "Unlimited downtime", "Skipping tests", "Deleting alerts"], [0],
     "While the budget lasts, teams can take risks; when spent, they slow down."),
    ("Reliability", S, "How often are managed database backups taken by default?",
     ["Daily, with point-in-time recovery", "Never", "Yearly", "Only on request"], [0],
     "Daily snapshots plus write-ahead logs allow point-in-time recovery."),
    ("Reliability", TF, "Running in two regions protects against a whole-region outage.",
     TRUE_FALSE, [0], "A second region keeps serving when one region is down."),
    ("Reliability", S, "What should happen first in an incident?",
     ["Mitigate the impact on users", "Write the review", "Find someone to blame",
      "Upgrade every dependency"], [0], "Stop the bleeding first; understand it afterwards."),
    ("Reliability", M, "Which reduce the risk of a bad deploy?",
     ["Canary releases", "Automatic rollback on failed health checks", "Feature flags",
      "Deploying on Friday evening without tests"], [0, 1, 2],
     "Small, observable, reversible changes are the safe ones."),
    ("Reliability", S, "Where do members see platform incidents?",
     ["The status announcements of this portal", "Only by email from sales",
      "In the invoice", "Nowhere"], [0], "Incidents are posted as status announcements."),
    ("Reliability", S, "What does 'five nines' availability allow per year?",
     ["About 5 minutes of downtime", "About 5 hours", "About 5 days", "No downtime at all"],
     [0], "99.999% availability leaves roughly five minutes a year."),
]

# fmt: on

BANKS = [
    {
        "name": "Platform fundamentals",
        "description": "Deployment, observability and networking basics (demo data).",
        "questions": PLATFORM_QUESTIONS,
    },
    {
        "name": "Operations",
        "description": "Security, scaling and reliability in production (demo data).",
        "questions": OPERATIONS_QUESTIONS,
    },
]

EXAMS = [
    {
        "title": "Northwind Cloud Practitioner",
        "slug": "cloud-practitioner",
        "description": "Deploy, observe and connect services on Northwind Cloud. The Getting "
        "started course covers what you need.",
        "banks": ["Platform fundamentals"],
        "questions_per_attempt": 30,
        "quotas": {"Deployment": 10, "Observability": 10, "Networking": 10},
        "time_limit_minutes": 45,
        "pass_mark_percent": 70,
        "max_attempts": 3,
        "cooldown_hours": 24,
        "reveal_answers": True,
        "prerequisites": [],
    },
    {
        "title": "Northwind Cloud Operations Professional",
        "slug": "operations-professional",
        "description": "Run production workloads securely and reliably, at scale.",
        "banks": ["Operations"],
        "questions_per_attempt": 30,
        "quotas": {},
        "time_limit_minutes": 60,
        "pass_mark_percent": 75,
        "max_attempts": 3,
        "cooldown_hours": 48,
        "reveal_answers": False,
        "prerequisites": ["production-networking"],
    },
]


def bank_stream(questions: list[tuple]) -> list[tuple[str, dict]]:
    """The questions as a bank's StreamField value."""
    return [
        (
            "question",
            {
                "kind": kind,
                "text": text,
                "topic": topic,
                "explanation": explanation,
                "choices": [
                    {"text": choice, "correct": number in right}
                    for number, choice in enumerate(choices)
                ],
            },
        )
        for topic, kind, text, choices, right, explanation in questions
    ]


CERTIFICATIONS = [
    {
        "name": "Northwind Certified Cloud Practitioner",
        "slug": "cloud-practitioner",
        "exam": "cloud-practitioner",
        "description": "Deploys, observes and connects services on Northwind Cloud.",
        "validity_months": 12,
    },
    {
        "name": "Northwind Certified Operations Professional",
        "slug": "operations-professional",
        "exam": "operations-professional",
        "description": "Runs production workloads on Northwind Cloud securely and reliably.",
        "validity_months": 24,
    },
]
CERTIFIED_LEARNERS = ("learner2@demo.localhost", "learner3@demo.localhost")
VOUCHER_BATCH = "Demo partner summit: free Practitioner attempt"
REVOCATION_REASON = "Demo: the exam was taken with a shared account."


def _pass(member, exam):
    """Take ``exam`` as ``member`` through the real services, answering every question right."""
    from certification.services import answers_save, attempt_start, attempt_submit

    attempt = attempt_start(member=member, exam=exam)
    answers_save(attempt=attempt, answers={q["id"]: q["correct"] for q in attempt.questions})
    attempt, _ = attempt_submit(attempt=attempt)
    return attempt


def _backdate(attempt, *, days: int) -> None:
    """Move an attempt and its award ``days`` into the past (time cannot be frozen at runtime)."""
    from datetime import timedelta

    from certification.award_services import expiry_after
    from certification.models import Attempt, Award

    shift = timedelta(days=days)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - shift,
        deadline=attempt.deadline - shift,
        submitted_at=attempt.submitted_at - shift,
    )
    award = Award.objects.select_related("certification").get(attempt=attempt)
    issued = award.issued_at - shift
    Award.objects.filter(pk=award.pk).update(
        issued_at=issued, expires_at=expiry_after(issued, award.certification)
    )


def seed_certifications(*, staff_email: str) -> list[str]:
    """Certifications of the two demo exams, certified learners and 20 voucher codes.

    Learner 2 held the Practitioner certification, had it revoked, and passed again (valid);
    learner 3's Practitioner award expired a month ago. Learner 1 stays uncertified, free to
    take the exam in the demo. Idempotent: each part is skipped when it exists.
    """
    from certification.award_services import award_revoke
    from certification.models import Award, Certification, Exam, VoucherBatch
    from certification.voucher_services import batch_create
    from portal.accounts.models import User

    lines = []
    for spec in CERTIFICATIONS:
        exam = Exam.objects.filter(slug=spec["exam"]).first()
        if exam is None or Certification.objects.filter(slug=spec["slug"]).exists():
            continue
        Certification.objects.create(**{**spec, "exam": exam})
        lines.append(f"Certification “{spec['name']}” created.")
    practitioner = Certification.objects.filter(slug="cloud-practitioner").first()
    learners = {u.email: u for u in User.objects.filter(email__in=CERTIFIED_LEARNERS)}
    staff = User.objects.filter(email=staff_email).first()
    certified = Award.objects.filter(member__in=learners.values()).exists()
    if practitioner and len(learners) == 2 and not certified:
        lukas, mei = (learners[email] for email in CERTIFIED_LEARNERS)
        first = _pass(lukas, practitioner.exam)
        _backdate(first, days=200)
        award_revoke(award=first.award, reason=REVOCATION_REASON, revoked_by=staff)
        _pass(lukas, practitioner.exam)
        _backdate(_pass(mei, practitioner.exam), days=400)
        lines.append(f"{lukas.email}: Practitioner revoked, then earned again (valid).")
        lines.append(f"{mei.email}: Practitioner expired.")
    if practitioner and not VoucherBatch.objects.filter(name=VOUCHER_BATCH).exists():
        batch_create(
            name=VOUCHER_BATCH,
            purpose=VoucherBatch.Purpose.EXAM_ATTEMPT,
            exam=practitioner.exam,
            count=20,
            created_by=staff,
        )
        lines.append("20 Practitioner exam vouchers generated (Certification › Vouchers).")
    return lines


EXPERT_BADGE = {
    "kind": "expert",
    "name": "Northwind Cloud Expert",
    "slug": "cloud-expert",
    "description": "Certified Cloud Practitioners whose community answers on Northwind Cloud "
    "were accepted again and again.",
    "answer_tag": "deployment",
    "min_accepted_answers": 3,
}
MVP_NOMINATION = {
    "nominator": "learner3@demo.localhost",
    "nominee": "learner2@demo.localhost",
    "reason": "Lukas answers deployment questions within hours and wrote the guide to blue/green "
    "releases everyone links to.",
    "expertise": "Deployment, Networking",
}


def seed_badges(*, staff_email: str) -> list[str]:
    """An Expert badge rule (Cloud Practitioners with 3 accepted answers tagged "deployment")
    and one MVP: learner 3 nominates learner 2, staff approve. Idempotent."""
    from certification.models import Badge, BadgeAward, Certification
    from certification.mvp_services import (
        mvp_badge_get_or_create,
        nomination_approve,
        nomination_create,
    )
    from portal.accounts.models import User

    lines = []
    practitioner = Certification.objects.filter(slug="cloud-practitioner").first()
    if practitioner and not Badge.objects.filter(slug=EXPERT_BADGE["slug"]).exists():
        Badge.objects.create(**EXPERT_BADGE, required_certification=practitioner)
        lines.append(f"Expert badge “{EXPERT_BADGE['name']}” created (Certification › Badges).")
    members = {
        user.email: user
        for user in User.objects.filter(
            email__in=[MVP_NOMINATION["nominator"], MVP_NOMINATION["nominee"], staff_email]
        )
    }
    if len(members) < 3:
        return lines
    badge = mvp_badge_get_or_create()
    nominee = members[MVP_NOMINATION["nominee"]]
    if not BadgeAward.objects.filter(badge=badge, member=nominee).exists():
        nomination = nomination_create(
            nominator=members[MVP_NOMINATION["nominator"]],
            nominee_id=nominee.pk,
            reason=MVP_NOMINATION["reason"],
            expertise=MVP_NOMINATION["expertise"],
        )
        nomination_approve(
            nomination=nomination,
            reviewed_by=members[staff_email],
            note="Demo: approved for the first MVP cohort.",
        )
        lines.append(f"{nominee.email}: MVP (nominated by learner 3, approved by staff).")
    return lines
