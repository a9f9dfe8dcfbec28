"""The community's demo data (``portal.demo.seed_community``): tags, Q&A, votes and flags.

Everything is written through the real services (asking, answering, voting, accepting,
flagging), so counters, revisions, search vectors, reputation and Expert-badge evidence are
what a real community would have. Posts are then moved into the past (a demo cannot freeze
time), which also keeps the new accounts under their hourly posting limit.
"""

from __future__ import annotations

from datetime import timedelta

TAGS = [
    {
        "name": "deployment",
        "description": "Releasing services: pipelines, rollouts, rollbacks and environments.",
        "course": "getting-started",
    },
    {
        "name": "networking",
        "description": "Private networks, load balancers, DNS, firewalls and peering.",
        "course": "production-networking",
    },
    {
        "name": "observability",
        "description": "Logs, metrics, traces, dashboards and alerts.",
        "course": "observability-fundamentals",
    },
    {
        "name": "billing",
        "description": "Invoices, usage, budgets and credits.",
        "course": None,
    },
    {
        "name": "security",
        "description": "Access keys, roles, secrets, audit logs and encryption.",
        "course": None,
    },
    {
        "name": "cli",
        "description": "The `nw` command-line tool: install, profiles, scripting.",
        "course": "getting-started",
    },
]
CERTIFICATION = "cloud-practitioner"

# Extra demo members who only take part in the community (same password as the learners).
MEMBERS = [
    {
        "email": "jonas@demo.localhost",
        "display_name": "Jonas Eriksson",
        "country": "SE",
        "languages": ["sv", "en"],
        "time_zone": "Europe/Stockholm",
        "bio": "Backend developer at a logistics start-up.",
    },
    {
        "email": "sofia@demo.localhost",
        "display_name": "Sofía Marín",
        "country": "ES",
        "languages": ["es", "en"],
        "time_zone": "Europe/Madrid",
        "bio": "SRE. Dashboards or it did not happen.",
    },
]

# Who is who, by short key.
PEOPLE = {
    "amara": "learner1@demo.localhost",  # uncertified
    "lukas": "learner2@demo.localhost",  # valid Practitioner and MVP
    "mei": "learner3@demo.localhost",  # expired Practitioner
    "staff": "staff@demo.localhost",
    "jonas": "jonas@demo.localhost",
    "sofia": "sofia@demo.localhost",
}

L, S = "lukas", "staff"  # the two who answer


def _q(author, days, tags, title, body, answers=(), accepted=None, voters=()):
    """One demo question: ``answers`` are (author, body, voters); ``accepted`` an index."""
    return {
        "author": author,
        "days": days,
        "tags": tags,
        "title": title,
        "body": body,
        "answers": answers,
        "accepted": accepted,
        "voters": voters,
    }


# fmt: off
QUESTIONS = [
    # --- deployment (Lukas's three accepted answers earn the Expert badge) ---------------------
    _q("amara", 58, ["deployment"],
       "How do I roll back a deployment that passed health checks but is broken?",
       "We released `orders-api` v2.4 this morning. Health checks are green but checkout "
       "returns 500 for some users. What is the fastest safe way to go back to v2.3 on "
       "Northwind Cloud?",
       [(L, "Use `nw deploy rollback orders-api --to 2.3`. The previous release is kept warm "
            "for 24 hours, so traffic switches in seconds. Afterwards add a *readiness* check "
            "that calls checkout, not just `/healthz`.", ("amara", "mei", "sofia")),
        (S, "Also: the console has **Deployments › History › Roll back** which runs the same "
            "command and records who did it in the audit log.", ("amara",))],
       accepted=0, voters=("mei", "sofia")),
    _q("mei", 52, ["deployment", "networking"],
       "Blue/green deployment keeps old connections on the blue environment",
       "After switching the load balancer to green, long-lived WebSocket connections stay on "
       "blue for hours. How do I drain them without dropping users?",
       [(L, "Set a connection drain timeout on the target group: `nw lb target-group update "
            "blue --drain-seconds 300`. Clients reconnect and land on green. For WebSockets, "
            "send a close frame with code 1012 (service restart) so clients reconnect at once.",
         ("mei", "amara", "jonas"))],
       accepted=0, voters=("amara",)),
    _q("jonas", 47, ["deployment", "cli"],
       "Deploy from GitHub Actions without storing a long-lived access key",
       "Our pipeline uses an access key saved as a repository secret. Security wants it gone. "
       "Can Northwind Cloud trust GitHub's OIDC tokens directly?",
       [(L, "Yes: create a workload identity with `nw iam workload-identity create --issuer "
            "https://token.actions.githubusercontent.com --subject repo:acme/shop:ref:"
            "refs/heads/main` and give it the `deployer` role. In the workflow, `nw auth "
            "login --oidc` exchanges the token for a 15-minute session.", ("jonas", "sofia")),
        (S, "The *Getting started* course has a lesson on this; the key can then be deleted "
            "under **Security › Access keys**.", ())],
       accepted=0, voters=("sofia", "amara")),
    _q("sofia", 40, ["deployment"],
       "Canary release: how do I send 5% of traffic to the new version?",
       "I want a canary that gets a small share of requests and is promoted automatically if "
       "the error rate stays low. Is there built-in support or do I script it?",
       [(L, "Built in: `nw deploy create --strategy canary --canary-percent 5 "
            "--promote-after 30m --abort-on 'error_rate > 1%'`. The abort condition reads the "
            "service's metrics, so no script is needed.", ("sofia",))],
       voters=("jonas",)),
    _q("amara", 33, ["deployment"],
       "Environment variables differ between staging and production after deploy",
       "A variable I set on staging is missing on production after promoting the same image. "
       "Are environment variables part of the release or of the environment?",
       [(S, "They belong to the environment, not the image. Use `nw env diff staging "
            "production` to compare, and `nw env copy` to bring them across.", ("amara",))],
       accepted=0),
    _q("jonas", 21, ["deployment"],
       "Deployment stuck in \"Pending\" for twenty minutes",
       "`nw deploy status` shows *Pending* with no events. Quota page says I have room. "
       "What else blocks a deployment before it starts?",
       [(L, "Usually an image pull: check `nw deploy events --all`, which also shows registry "
            "errors. A private registry needs its pull secret in the same project.",
         ("jonas",))]),
    _q("mei", 12, ["deployment", "security"],
       "Can I require an approval before production deployments?",
       "Our auditors want a second person to approve every production release. Is there an "
       "approval gate, or do we do this in CI?",
       [(L, "Protect the environment: `nw env protect production --approvers group:release-"
            "managers`. Deployments wait for an approval in the console and the approver is "
            "recorded in the audit log.", ("mei", "amara"))],
       accepted=0, voters=("amara",)),
    _q("amara", 3, ["deployment"],
       "Zero-downtime database migrations during a rolling deployment",
       "During a rolling update old and new versions run side by side. How do people handle "
       "schema changes so the old version keeps working?"),
    # --- networking ------------------------------------------------------------------------------
    _q("mei", 55, ["networking"],
       "Private service cannot reach the managed database in another region",
       "My service in `eu-west` times out connecting to a database in `eu-central`. Both are "
       "in the same project. Do I need peering for cross-region traffic?",
       [(L, "Yes: private networks are regional. Create a peering with `nw network peer "
            "create eu-west eu-central` and allow port 5432 in the database's firewall rule.",
         ("mei", "sofia"))],
       accepted=0, voters=("sofia",)),
    _q("jonas", 44, ["networking"],
       "Load balancer returns 502 only for large file uploads",
       "Uploads under 10 MB work; larger ones get a 502 after about 60 seconds. The service "
       "logs show nothing. Where is the limit?",
       [(S, "The default request timeout is 60 s and body limit 25 MB. Raise them on the "
            "listener: `nw lb listener update web --timeout 300 --max-body 200MB`.",
         ("jonas", "amara")),
        (L, "Better still, upload straight to object storage with a signed URL and give the "
            "service only the object key: no timeout to tune.", ("jonas", "sofia", "mei"))],
       accepted=1, voters=("amara",)),
    _q("amara", 38, ["networking"],
       "How do I give my service a static outbound IP address?",
       "A partner only accepts traffic from allow-listed IPs. Our service's outbound address "
       "changes on every deployment.",
       [(L, "Attach a NAT gateway with a reserved address: `nw network nat create --reserve-"
            "ip` and route the subnet through it. The address stays across deployments.",
         ("amara",))],
       accepted=0),
    _q("sofia", 26, ["networking", "security"],
       "Restrict the admin panel to our office network",
       "Only people in our office (one public IP range) should reach `/admin`. Can the load "
       "balancer filter by path and source IP?",
       [(L, "Add a listener rule: `nw lb rule create web --path '/admin*' --allow-cidr "
            "203.0.113.0/24 --else deny`. Rules are evaluated before routing.", ("sofia",))]),
    _q("mei", 15, ["networking"],
       "Custom domain shows a certificate error for the www subdomain",
       "`example.com` works but `www.example.com` shows the platform's default certificate. "
       "Both have CNAME records pointing to the service.",
       [(S, "Each hostname needs to be on the certificate: `nw domain add www.example.com "
            "--service web`. Issuance takes a couple of minutes after DNS resolves.",
         ("mei",))],
       accepted=0),
    _q("jonas", 6, ["networking"],
       "DNS resolution inside the private network is slow",
       "Lookups of internal service names take 200-400 ms from one of our services but not "
       "from others. Where do I start?"),
    _q("amara", 2, ["networking", "cli"],
       "List every open firewall rule across projects from the CLI",
       "For a review I need all inbound rules that allow `0.0.0.0/0`, in all our projects. "
       "Is there one command, or do I loop over projects?"),
    # --- observability ---------------------------------------------------------------------------
    _q("sofia", 57, ["observability"],
       "Alert when p95 latency is above 500 ms for five minutes",
       "I can chart p95 latency but cannot find how to alert on a percentile over a window. "
       "The alert form only offers averages.",
       [(L, "Use a query alert: `nw alert create --query 'p95(http.latency) > 500ms' --for "
            "5m --notify team-web`. The form's *Advanced* tab takes the same query.",
         ("sofia", "jonas"))],
       accepted=0, voters=("jonas",)),
    _q("jonas", 49, ["observability"],
       "Logs from my service arrive minutes late in the log explorer",
       "Log lines appear in the explorer two to five minutes after they are written. Is that "
       "normal ingestion delay?",
       [(S, "No, it should be seconds. Services writing to a file instead of stdout are "
            "collected by the slower file agent. Log to stdout and the delay goes away.",
         ("jonas", "amara"))],
       accepted=0),
    _q("amara", 42, ["observability"],
       "Correlate a trace with the log lines of the same request",
       "I see a slow trace but cannot find its log lines. Do I need to add the trace id to my "
       "logs myself?",
       [(L, "The Northwind SDK adds `trace_id` to structured logs automatically if you log "
            "JSON. Then **Trace › Logs** links straight to them.", ("amara",))],
       accepted=0, voters=("mei",)),
    _q("mei", 30, ["observability", "billing"],
       "Metrics storage costs doubled after adding custom metrics",
       "We added a `user_id` label to request metrics and the bill doubled. Is label "
       "cardinality billed?",
       [(L, "Yes, each label combination is a series. Drop `user_id` (put it in logs or "
            "traces instead) and the series count falls back.", ("mei", "sofia")),
        (S, "**Billing › Usage › Metrics** lists the top series by metric, which helps find "
            "the culprit.", ("mei",))],
       accepted=0),
    _q("sofia", 18, ["observability"],
       "Dashboards as code: can I keep dashboards in our repository?",
       "We want dashboards reviewed like code. Is there an export format we can apply from "
       "CI?",
       [(L, "`nw dashboard export <id> > dash.yaml` and `nw dashboard apply -f dash.yaml`. "
            "Apply is idempotent, so run it in the pipeline.", ("sofia",))]),
    _q("jonas", 9, ["observability"],
       "Uptime check says my site is down but it loads fine for me",
       "The uptime check from `ap-south` fails every few minutes with a timeout. Other regions "
       "are fine."),
    _q("amara", 1, ["observability"],
       "How long are traces kept, and can I keep error traces longer?",
       "Traces seem to disappear after a week. We would like to keep traces with errors for "
       "a month for post-mortems."),
    # --- billing ---------------------------------------------------------------------------------
    _q("jonas", 56, ["billing"],
       "Set a monthly budget that stops non-production services",
       "Can a budget do more than e-mail us? We want staging to be scaled to zero when the "
       "month's budget is spent.",
       [(S, "Budgets can trigger an action: `nw budget create staging --limit 300EUR "
            "--on-exceed 'scale-to-zero env=staging'`. Production is never touched by "
            "budget actions.", ("jonas", "sofia"))],
       accepted=0, voters=("sofia",)),
    _q("sofia", 45, ["billing"],
       "Invoice shows charges for a project we deleted",
       "We deleted a project on the 3rd but the invoice has charges until the 10th. What was "
       "still running?",
       [(S, "Deleted projects keep snapshots and reserved IPs for seven days so you can undo. "
            "**Billing › Usage** filtered by the project shows which.", ("sofia",))],
       accepted=0),
    _q("mei", 35, ["billing"],
       "Do promotional credits apply to support plans?",
       "We received credits at a partner event. Will they cover the Business support plan or "
       "only usage?",
       [(S, "Only usage. Support plans are billed separately and are not covered by "
            "promotional credits.", ())]),
    _q("amara", 24, ["billing"],
       "Split one invoice between two cost centres",
       "Finance wants the platform bill split between the web team and the data team. Can "
       "labels drive that?",
       [(L, "Label projects with `cost-centre=web` or `cost-centre=data`, then **Billing › "
            "Reports › Group by label** and export CSV monthly.", ("amara",))],
       accepted=0),
    _q("jonas", 10, ["billing"],
       "Is egress between regions billed twice?",
       "If a service in one region reads from storage in another, do we pay egress on both "
       "sides?"),
    # --- security --------------------------------------------------------------------------------
    _q("sofia", 54, ["security"],
       "Rotate access keys without downtime",
       "Our services read an access key from a secret. How do we rotate it without a window "
       "where the old key is already revoked?",
       [(L, "Each identity may have two active keys. Create the second, update the secret, "
            "redeploy, check the old key's *last used* date, then revoke it.",
         ("sofia", "jonas", "mei"))],
       accepted=0, voters=("jonas",)),
    _q("mei", 48, ["security"],
       "Who deleted our storage bucket? Where is the audit log?",
       "A bucket vanished over the weekend. Where can we see who deleted it?",
       [(S, "**Security › Audit log**, filter by action `storage.bucket.delete`. Entries are "
            "kept 400 days and can be exported to your own storage.", ("mei", "amara"))],
       accepted=0),
    _q("amara", 36, ["security"],
       "Least-privilege role for a service that only reads one bucket",
       "The built-in `storage-reader` role reads every bucket in the project. How do I limit a "
       "service to one bucket?",
       [(L, "Bind the role on the bucket instead of the project: `nw iam bind storage-reader "
            "--member svc:reports --resource bucket/reports-prod`.", ("amara", "sofia"))],
       accepted=0, voters=("sofia",)),
    _q("jonas", 27, ["security"],
       "Are secrets encrypted with our own key?",
       "Our compliance team asks whether secrets can be encrypted with a customer-managed "
       "key.",
       [(S, "Yes, on the Business plan: choose the key under **Security › Encryption**. "
            "Existing secrets are re-encrypted in the background.", ("jonas",))]),
    _q("sofia", 14, ["security", "cli"],
       "Enforce multi-factor sign-in for everyone in the organization",
       "How do we require MFA for all members, including for the CLI?",
       [(S, "**Organization › Security › Require MFA**. The CLI then opens the browser for "
            "sign-in; service identities are unaffected.", ("sofia", "mei"))],
       accepted=0),
    _q("mei", 5, ["security"],
       "Scan container images for vulnerabilities before deploy",
       "Can deployments be blocked when an image has critical vulnerabilities?"),
    _q("amara", 4, ["security", "deployment"],
       "Short-lived credentials for developers' laptops",
       "Developers keep personal access keys on laptops. Is there a way to hand out one-hour "
       "credentials instead?"),
    # --- cli -------------------------------------------------------------------------------------
    _q("jonas", 53, ["cli"],
       "Switch between projects quickly in the nw CLI",
       "I work in four projects a day and keep passing `--project`. Is there something like "
       "named profiles?",
       [(L, "`nw profile create shop --project shop-prod --region eu-west` then `nw profile "
            "use shop`, or set `NW_PROFILE` per terminal.", ("jonas", "amara"))],
       accepted=0, voters=("amara", "mei")),
    _q("sofia", 43, ["cli"],
       "Get JSON output from nw commands for scripts",
       "Parsing the table output breaks whenever columns change. Is there a stable "
       "machine-readable format?",
       [(L, "Every command takes `--output json` (or `yaml`). Add `--query` with a JMESPath "
            "expression to pick fields.", ("sofia", "jonas")),
        (S, "The JSON format is versioned; table output is not meant for scripts.",
         ("sofia",))],
       accepted=0),
    _q("amara", 31, ["cli"],
       "nw CLI install fails on Apple silicon",
       "`brew install northwind/tap/nw` fails with *bad CPU type in executable*. Is there an "
       "arm64 build?",
       [(S, "Yes since 3.2. Run `brew update` first; the old tap only had x86_64 bottles.",
         ("amara",))],
       accepted=0),
    _q("mei", 20, ["cli", "observability"],
       "Tail logs of several services at once",
       "`nw logs tail` takes one service. Can I follow the API and the worker together?",
       [(L, "`nw logs tail api worker --prefix` interleaves both and prefixes each line "
            "with the service name.", ("mei",))]),
    _q("jonas", 8, ["cli"],
       "Shell completion for nw in zsh",
       "Is there a completion script for zsh? Tab completion of service names would save "
       "me a lot of typing."),
    # --- the author's own answer was accepted; staff asks too ------------------------------------
    _q("staff", 50, ["deployment", "observability"],
       "What do you want to see in the next Observability course module?",
       "We are planning the next module of *Observability fundamentals*. Tell us which "
       "topics would help you most in production.",
       [(L, "Alert design: how to avoid alert fatigue, and runbooks linked from alerts.",
         ("amara", "mei", "sofia"))],
       voters=("amara", "mei", "jonas")),
    _q("staff", 16, ["networking"],
       "Tips for preparing the Production networking course labs",
       "Share what helped you in the labs of *Production networking*: we will fold the best "
       "tips into the course.",
       [(L, "Draw the subnets and routes before creating anything; half the lab mistakes are "
            "a route table attached to the wrong subnet.", ("mei", "jonas"))],
       accepted=0, voters=("mei",)),
    # --- flagged, waiting for a moderator -------------------------------------------------------
    _q("jonas", 7, ["billing"],
       "Cheap Northwind Cloud credits, 70% off, message me",
       "I have spare credits from a partner programme and can sell them at 70% off. Contact "
       "me on my channel for details, first come first served."),
    _q("mei", 11, ["cli"],
       "nw deploy --wait returns before the service is healthy",
       "With `--wait` the command returns as soon as the instances start, not when they are "
       "healthy. Our next pipeline step then fails.",
       [(L, "Use `--wait=healthy`; plain `--wait` means *started* for backwards "
            "compatibility.", ("mei",))],
       accepted=0),
]
# fmt: on

FLAGS = [
    # (reporter, question title, reason, note)
    ("amara", "Cheap Northwind Cloud credits, 70% off, message me", "spam", ""),
    ("sofia", "Cheap Northwind Cloud credits, 70% off, message me", "spam", "Selling credits."),
]
RUDE_COMMENT = {
    "author": "jonas",
    "question": "nw deploy --wait returns before the service is healthy",
    "body": "Read the manual before posting, this is embarrassing.",
    "reporter": "mei",
    "reason": "abusive",
}
FIRST_TITLE = QUESTIONS[0]["title"]


def _ensure_members(password: str) -> list[str]:
    from allauth.account.models import EmailAddress

    from portal.accounts.models import User

    lines = []
    for spec in MEMBERS:
        if User.objects.filter(email=spec["email"]).exists():
            continue
        fields = {key: value for key, value in spec.items() if key != "email"}
        user = User.objects.create_user(email=spec["email"], password=password, **fields)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        lines.append(f"Community member {user.email} created.")
    return lines


def _ensure_tags() -> list[str]:
    from django.utils.text import slugify

    from certification.models import Certification
    from community.models import Tag
    from courses.models import CoursePage

    lines = []
    certification = Certification.objects.filter(slug=CERTIFICATION).first()
    courses = {page.slug: page for page in CoursePage.objects.all()}
    for spec in TAGS:
        tag, created = Tag.objects.get_or_create(
            slug=slugify(spec["name"]),
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "course": courses.get(spec["course"]),
            },
        )
        if created:
            if certification is not None:
                tag.certifications.add(certification)
            lines.append(f"Community tag “{tag.name}” created.")
    return lines


def _backdate(question, answers, accepted_answer, base) -> None:
    """Move a question, its answers and revisions into the past, ``base`` being asked-at."""
    from community.models import Answer, Question, Revision

    Revision.objects.filter(question=question).update(created_at=base)
    times = []
    for number, answer in enumerate(answers, start=1):
        at = base + timedelta(hours=3 * number, minutes=7 * number)
        Answer.objects.filter(pk=answer.pk).update(created_at=at)
        Revision.objects.filter(answer=answer).update(created_at=at)
        times.append(at)
    fields = {"created_at": base, "last_activity_at": max([base, *times])}
    if times:
        fields["first_answer_at"] = times[0]
    if accepted_answer is not None:
        fields["accepted_at"] = times[answers.index(accepted_answer)] + timedelta(hours=2)
    Question.objects.filter(pk=question.pk).update(**fields)


def seed_community(*, password: str) -> list[str]:
    """Tags tied to the courses and the Practitioner certification, two more members, 43
    questions with answers by the MVP (certified) and staff, accepted answers (the MVP earns
    the Expert badge), votes, unanswered questions and three open flags. Idempotent: the
    questions are skipped when the first of them exists."""
    from django.utils import timezone

    from community.accept_services import answer_accept
    from community.models import Question
    from community.moderation_services import flag_create
    from community.post_services import answer_create, comment_create, question_create
    from community.vote_services import vote_cast
    from portal.accounts.models import User

    lines = _ensure_members(password) + _ensure_tags()
    people = {u.email: u for u in User.objects.filter(email__in=PEOPLE.values())}
    if len(people) < len(PEOPLE) or Question.objects.filter(title=FIRST_TITLE).exists():
        return lines
    who = {key: people[email] for key, email in PEOPLE.items()}
    now = timezone.now()
    questions = {}
    answered = 0
    for spec in QUESTIONS:
        question = question_create(
            author=who[spec["author"]],
            title=spec["title"],
            body_md=spec["body"],
            tag_names=spec["tags"],
        )
        questions[spec["title"]] = question
        answers = []
        for author, body, voters in spec["answers"]:
            answer = answer_create(question=question, author=who[author], body_md=body)
            answers.append(answer)
            for voter in voters:
                vote_cast(member=who[voter], answer=answer, value=1)
        for voter in spec["voters"]:
            vote_cast(member=who[voter], question=question, value=1)
        accepted = None
        if spec["accepted"] is not None:
            accepted = answers[spec["accepted"]]
            answer_accept(member=who[spec["author"]], answer=accepted)
        _backdate(question, answers, accepted, now - timedelta(days=spec["days"], hours=5))
        answered += bool(answers)
    lines.append(
        f"{len(QUESTIONS)} community questions asked ({len(QUESTIONS) - answered} unanswered), "
        "answered by the MVP and staff."
    )
    for reporter, title, reason, note in FLAGS:
        flag_create(reporter=who[reporter], question=questions[title], reason=reason, note=note)
    rude = RUDE_COMMENT
    comment = comment_create(
        author=who[rude["author"]], question=questions[rude["question"]], body_md=rude["body"]
    )
    flag_create(reporter=who[rude["reporter"]], comment=comment, reason=rude["reason"])
    lines.append(f"{len(FLAGS) + 1} flags wait in the moderation queue (Community › Flags).")
    return lines
