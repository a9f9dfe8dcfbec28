"""A liveness check for load balancers and the benchmark's baseline: ``GET /healthz`` -> ``ok``.

It runs no query of its own, but the tenant middleware still resolves the host to a portal first,
so a 200 means the process is up and the database answers; an unknown host gets the usual 404.
``bench/run.py`` divides every page's throughput and latency by this view's.
"""

from django.http import HttpResponse


def healthz(request):
    """Answer ``ok``: the cheapest response the whole middleware stack can give."""
    return HttpResponse("ok", content_type="text/plain")
