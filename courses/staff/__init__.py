"""Staff screens of the courses app in the Wagtail admin: reports, session rosters, video checks."""
