"""Run the Open Badges reference verifier (``openbadges`` 1.1.2) on one badge; print its report.

    .venv-obverify/bin/python tests/obverify/verify.py URL_OR_PNG_FILE [EMAIL]

Runs with the verifier's own Python (``make obverify`` builds it; the package does not install
into the project's environment). ``tests/certification/test_openbadges_verifier.py`` runs it
against the live test server and reads the JSON it prints: ``{"report": ..., "graph": ...}``.

The verifier expands every document against the JSON-LD context https://w3id.org/openbadges/v2,
which this machine cannot reach: the context bundled with the package is served in its place,
through a requests adapter on the verifier's document loader. Nothing else is changed.
"""

import json
import os
import sys

import requests
from openbadges.verifier import verifier
from openbadges.verifier.openbadges_context import (
    OPENBADGES_CONTEXT_V2_DICT,
    OPENBADGES_CONTEXT_V2_URI,
)
from openbadges.verifier.utils import CachableDocumentLoader
from requests.adapters import BaseAdapter

BUNDLED = {OPENBADGES_CONTEXT_V2_URI: OPENBADGES_CONTEXT_V2_DICT}


class BundledContexts(BaseAdapter):
    """Answers requests for the Open Badges JSON-LD context with the package's own copy."""

    def send(self, request, **kwargs):
        response = requests.Response()
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        document = BUNDLED.get(request.url.rstrip("/"))
        if document is None:
            response.status_code = 404
            response._content = b"{}"
        else:
            response.status_code = 200
            response.headers["Content-Type"] = "application/ld+json"
            response._content = json.dumps(document).encode()
        return response

    def close(self):
        pass


class OfflineDocumentLoader(CachableDocumentLoader):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session.mount("https://w3id.org/", BundledContexts())


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    verifier.CachableDocumentLoader = OfflineDocumentLoader
    badge = argv[1]
    profile = {"email": argv[2]} if len(argv) == 3 else None
    if os.path.isfile(badge):
        with open(badge, "rb") as image:
            result = verifier.verify(image, recipient_profile=profile)
    else:
        result = verifier.verify(badge, recipient_profile=profile)
    json.dump({"report": result["report"], "graph": result["graph"]}, sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
