"""`narrate serve`: the output folder over HTTP for podcast apps, with byte ranges and nothing outside it.

Files are served as they are, except each work's feed.xml, which is built
afresh for every request from the work's episodes.json so that its links point
at the address being served, whatever host and port that is.
"""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import sys
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote, urlsplit

from narrate.errors import NarrateError
from narrate.model import Show
from narrate.publish import EPISODES, feed_url, feed_xml, load_show
from narrate.publish.feed import audio_file

CHUNK = 64 * 1024
"""Bytes sent per write."""

TYPES = {
    ".mp3": "audio/mpeg",
    ".m4b": "audio/mp4",
    ".m4a": "audio/mp4",
    ".json": "application/json",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
"""Content types by file suffix; anything else is application/octet-stream."""

RANGE = re.compile(r"bytes=(\d*)-(\d*)")
"""A single byte range, as podcast apps ask for them."""

GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
"""What a socket raises when the client went away mid-answer."""


class ServeError(NarrateError):
    """The server cannot start."""


class _Unsatisfiable(Exception):
    """A byte range that starts past the end of the file."""


class FolderServer(ThreadingHTTPServer):
    """An HTTP server for one output folder."""

    daemon_threads = True
    """Downloads in progress do not hold up Ctrl-C."""

    def __init__(self, folder: Path, host: str, port: int, log: Callable[[str], None] | None = None) -> None:
        self.folder = folder.resolve()
        self.log = log
        try:
            super().__init__((host, port), _Handler)
        except OSError as error:
            raise ServeError(f"cannot listen on {host}:{port}: {error.strerror} (pick another --port)") from None

    @property
    def base_url(self) -> str:
        """The address served, e.g. "http://127.0.0.1:8765/"."""
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    def shows(self) -> list[Show]:
        """Every work with a feed in the folder, by title."""
        found = [load_show(path.parent, path.parent.name) for path in self.folder.glob(f"*/{EPISODES}")]
        return sorted(found, key=lambda show: show.meta.title.lower())

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up is no error; anything else is reported in one line."""
        error = sys.exc_info()[1]
        if not isinstance(error, GONE) and self.log:
            self.log(f"error answering {client_address}: {error!r}")


def serve_until_stopped(server: FolderServer) -> None:
    """Serve until Ctrl-C or SIGTERM, even if started with SIGINT ignored (as background jobs are)."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def lan_address() -> str:
    """This machine's address on its local network (the one its default route leaves from)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: nothing is sent
            address = probe.getsockname()[0]
        except OSError:
            address = ""
    if not address or address.startswith("127.") or address == "0.0.0.0":
        raise ServeError("found no LAN address on this machine (is it on a network?); serve without --lan")
    return address


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD for files of the folder, with single byte ranges."""

    server: FolderServer
    protocol_version = "HTTP/1.1"
    server_version = "narrate"
    timeout = 60
    """Seconds a connection may sit idle before it is closed."""

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except GONE:
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log:
            self.server.log(f"{self.client_address[0]} {format % args}")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.log:
            self.server.log(f"{self.client_address[0]} {self.command} {self.path} {int(code)}")

    def _answer(self, send_body: bool) -> None:
        """Answer a GET (`send_body`) or HEAD; a damaged episode list is a 500 and one line in the log."""
        try:
            self._answer_path(send_body)
        except NarrateError as error:
            if self.server.log:
                self.server.log(f"error: {error}")
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR)

    def _answer_path(self, send_body: bool) -> None:
        """Answer for the path asked for."""
        relative = self._relative_path()
        if relative is None:
            self._error(HTTPStatus.FORBIDDEN)
            return
        if relative == "":
            self._send_bytes(_index(self.server), ".html", send_body)
            return
        feed = self._feed(relative)
        if feed is not None:
            self._send_bytes(feed, ".xml", send_body)
            return
        path = self._file(relative)
        if path is None:
            self._error(HTTPStatus.NOT_FOUND)
            return
        self._send_file(path, send_body)

    def _relative_path(self) -> str | None:
        """The request's path inside the folder ("" for the index); None if it tries to leave the folder."""
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute-form request line
            target = urlsplit(target).path
        try:
            target = unquote(target.split("?", 1)[0].split("#", 1)[0], errors="strict")
        except UnicodeDecodeError:
            return None
        parts = [part for part in target.replace("\\", "/").split("/") if part]
        if any(part in (".", "..") or "\0" in part for part in parts):
            return None
        return "/".join(parts)

    def _feed(self, relative: str) -> bytes | None:
        """A work's feed built for this server's address, if `relative` names one."""
        slug, _, name = relative.partition("/")
        if name != "feed.xml" or not (self.server.folder / slug / EPISODES).is_file():
            return None
        show = load_show(self.server.folder / slug, slug)
        return feed_xml(show, self.server.folder, self.server.base_url)

    def _file(self, relative: str) -> Path | None:
        """The file `relative` names, if it is a visible file really inside the folder."""
        if any(part.startswith(".") for part in relative.split("/")):
            return None  # files being written, and anything hidden
        path = (self.server.folder / relative).resolve()
        if not path.is_relative_to(self.server.folder) or not path.is_file():
            return None  # symlinks out of the folder included
        return path

    def _send_file(self, path: Path, send_body: bool) -> None:
        """Send `path`, whole or the one byte range asked for."""
        with path.open("rb") as file:
            status = os.fstat(file.fileno())
            size = status.st_size
            try:
                wanted = _range(self.headers.get("Range"), size)
            except _Unsatisfiable:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start, end = wanted or (0, size - 1)
            self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
            if wanted:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self._headers(path.suffix, end - start + 1, status.st_mtime)
            if send_body:
                _copy(file, self.wfile, start, end - start + 1)

    def _send_bytes(self, body: bytes, suffix: str, send_body: bool) -> None:
        """Send a page made for this request."""
        self.send_response(HTTPStatus.OK)
        self._headers(suffix, len(body), None)
        if send_body:
            self.wfile.write(body)

    def _headers(self, suffix: str, length: int, modified: float | None) -> None:
        """Content headers, then the blank line."""
        self.send_header("Content-Type", TYPES.get(suffix.lower(), "application/octet-stream"))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        if modified is not None:
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        self.end_headers()

    def _error(self, status: HTTPStatus) -> None:
        """A short plain-text error."""
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single Range header, or None to send everything; _Unsatisfiable past the end."""
    match = RANGE.fullmatch(header.strip()) if header else None
    if not match or match.groups() == ("", ""):
        return None  # absent, several ranges or malformed: RFC 9110 lets a server ignore it
    first, last = match.groups()
    if not first:  # the last N bytes
        count = int(last)
        if not count or not size:
            raise _Unsatisfiable
        return max(size - count, 0), size - 1
    start = int(first)
    if start >= size:
        raise _Unsatisfiable
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if end >= start else None


def _copy(source: BinaryIO, target: BufferedIOBase, start: int, count: int) -> None:
    """Copy `count` bytes of `source` from `start` to `target`."""
    source.seek(start)
    while count > 0:
        chunk = source.read(min(CHUNK, count))
        if not chunk:
            break
        target.write(chunk)
        count -= len(chunk)


def _index(server: FolderServer) -> bytes:
    """A page listing each work's feed and episodes, for a browser on the phone."""
    rows = []
    for show in server.shows():
        url = feed_url(show.slug, server.base_url)
        episodes = "".join(f'<li><a href="/{quote(audio_file(item))}">{html.escape(item.title)}</a></li>'
                           for item in show.episodes)
        rows.append(f'<h2>{html.escape(show.meta.title)}</h2><p>Feed: <a href="{html.escape(url)}">'
                    f"{html.escape(url)}</a></p><ul>{episodes}</ul>")
    body = "".join(rows) or "<p>No feeds yet: render a chapter with <code>narrate NAME</code>.</p>"
    page = f'<!doctype html><meta charset="utf-8"><title>narrate</title><h1>narrate</h1>{body}\n'
    return page.encode("utf-8")

