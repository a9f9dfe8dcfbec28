"""Wagtail's document serve view with HTTP Range support, so lesson videos can seek.

Wagtail streams a whole document for every request; browsers seek in a video by asking for a
byte range, and Chromium treats a video served without ranges as not seekable. This wraps the
view (with all its permission checks) and answers ``Range: bytes=a-b`` with a 206.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

from wagtail.documents.views.serve import serve

RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 64 * 1024
COPIED_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Last-Modified",
    "ETag",
    "Content-Security-Policy",
    "X-Content-Type-Options",
)


def _chunks(file, length: int) -> Iterator[bytes]:
    try:
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        file.close()


def _size(response: FileResponse) -> int | None:
    if response.has_header("Content-Length"):
        return int(response["Content-Length"])
    try:
        return os.fstat(response.file_to_stream.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return None


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` for a single ``bytes=`` range within ``size``, or None if unsatisfiable."""
    match = RANGE.fullmatch(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    if match.group(1) == "":  # the last N bytes
        first, last = max(size - int(match.group(2)), 0), size - 1
    else:
        first = int(match.group(1))
        last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
    if first >= size or first > last:
        return None
    return first, last


def serve_document(request: HttpRequest, document_id: str, document_filename: str) -> HttpResponse:
    response = serve(request, document_id, document_filename)
    if response.status_code != 200 or not isinstance(response, FileResponse):
        return response
    size = _size(response)
    if size is None:
        return response
    response["Accept-Ranges"] = "bytes"
    header = request.headers.get("Range", "")
    if not header.startswith("bytes="):
        return response
    span = _byte_range(header, size)
    if span is None:
        response.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    first, last = span
    file = response.file_to_stream
    file.seek(first)
    partial = StreamingHttpResponse(_chunks(file, last - first + 1), status=206)
    for name in COPIED_HEADERS:
        if response.has_header(name):
            partial[name] = response[name]
    partial["Accept-Ranges"] = "bytes"
    partial["Content-Range"] = f"bytes {first}-{last}/{size}"
    partial["Content-Length"] = str(last - first + 1)
    return partial
