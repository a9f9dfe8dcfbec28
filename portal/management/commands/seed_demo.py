"""``python manage.py seed_demo``: a demo portal with members, a home page and announcements.

Idempotent: run it again and nothing is duplicated or changed. The content lives in
``portal/demo.py`` (one function per area; later features add theirs to ``SEED_STEPS``).
"""

from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "Create or complete the demo portal (demo.localhost) with demo logins and content."

    def handle(self, *args, **options):
        ctx = demo.seed()
        verb = "Created" if ctx.created else "Checked"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo portal “{ctx.organization.name}”."))
        for line in ctx.lines or ["Nothing to change: the demo data is already there."]:
            self.stdout.write(f"  {line}")
        self.stdout.write("")
        self.stdout.write(f"Open {ctx.url()}")
        self.stdout.write(f"  Staff:    {demo.STAFF_EMAIL} / {demo.STAFF_PASSWORD}")
        self.stdout.write("            (staff set up two-factor authentication on first sign-in)")
        for learner in demo.LEARNERS:
            self.stdout.write(f"  Learner:  {learner['email']} / {demo.LEARNER_PASSWORD}")
