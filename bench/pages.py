"""The pages ``make bench`` measures: add yours here when an issue adds a page.

Each entry is ``(name, path)`` on a portal's host. The first entry is the baseline: every other
page's throughput and median latency is also reported as a ratio to it, measured by the same
server in the same run, so the numbers compare across machines. Paths must answer 200 to an
anonymous visitor of the demo portal (a redirect or 404 is counted as an error).
"""

BASELINE = ("trivial view", "/healthz")

PAGES = [
    BASELINE,
    ("home page", "/"),
    ("announcements", "/announcements/"),
    ("announcements feed", "/announcements/feed/"),
    ("login page", "/accounts/login/"),
    ("course catalog", "/courses/"),
    ("catalog search", "/courses/?q=deploy&sort=enrolled"),
    ("course page", "/courses/getting-started/"),
    ("lesson page (preview)", "/courses/getting-started/welcome/"),
    ("exam page", "/certification/exams/cloud-practitioner/"),
]
