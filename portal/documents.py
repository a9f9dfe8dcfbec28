"""Wagtail's document serve view with HTTP Range support, so lesson videos can seek.

Wagtail streams a whole document for every request; browsers seek in a video by asking for a
byte range, and Chromium treats a video served without ranges as not seekable. This wraps the
view (with all its permission checks) and answers ``Range: bytes=a-b`` with a 206.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from http import HTTPStatus

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse

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


def file_chunks(file, length: int) -> Iterator[bytes]:
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


def byte_range(header: str, size: int) -> tuple[int, int] | None:
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
    span = byte_range(header, size)
    if span is None:
        response.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    first, last = span
    file = response.file_to_stream
    file.seek(first)
    partial = StreamingHttpResponse(file_chunks(file, last - first + 1), status=206)
    for name in COPIED_HEADERS:
        if response.has_header(name):
            partial[name] = response[name]
    partial["Accept-Ranges"] = "bytes"
    partial["Content-Range"] = f"bytes {first}-{last}/{size}"
    partial["Content-Length"] = str(last - first + 1)
    return partial


def ranged_file_response(request: HttpRequest, file, *, content_type: str) -> HttpResponse:
    """The whole file, or for ``Range: bytes=a-b`` a 206 of those bytes (416 if impossible).

    For files served by our own views (lesson videos, posters and captions), so they seek the
    same way as documents.
    """
    try:
        size = file.size
    except OSError:
        raise Http404 from None
    header = request.headers.get("Range", "")
    span = byte_range(header, size) if header.startswith("bytes=") else None
    if header.startswith("bytes=") and span is None:
        refused = HttpResponse(status=HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    try:
        handle = file.open("rb")
    except OSError:
        raise Http404 from None
    if span is None:
        response = FileResponse(handle, content_type=content_type)
    else:
        first, last = span
        handle.seek(first)
        response = StreamingHttpResponse(
            file_chunks(handle, last - first + 1),
            status=HTTPStatus.PARTIAL_CONTENT,
            content_type=content_type,
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
