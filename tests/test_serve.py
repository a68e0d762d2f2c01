"""serve: the published project over real HTTP on loopback, read with http.client, raw sockets,
feedparser and gPodder's `gpo`."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from narrate import pipeline
from narrate.serve import FolderServer

SLUG = "the-lantern-keeper"
NARRATE = str(Path(sys.executable).with_name("narrate"))


@pytest.fixture(scope="module")
def server(published: pipeline.Folders) -> Iterator[FolderServer]:
    """The published project's output folder served on a free loopback port."""
    with FolderServer(published.output, "127.0.0.1", 0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield running
        running.shutdown()
        thread.join(timeout=10)


def get(server: FolderServer, path: str, method: str = "GET",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request sent exactly as written."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_the_served_feed_points_everything_at_the_serving_address(server: FolderServer,
                                                                  published: pipeline.Folders) -> None:
    status, headers, body = get(server, f"/{SLUG}/feed.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(body)
    assert not parsed.bozo and len(parsed.entries) == 2
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    for entry in parsed.entries:
        links = [entry.enclosures[0].href, entry.podcast_chapters["url"], entry.podcast_transcript["url"]]
        for url in links:
            assert url.startswith(base), url
            status, _, served = get(server, url.removeprefix(base[:-1]))
            assert status == 200
            assert served == (published.output / url.removeprefix(base)).read_bytes()
    assert parsed.feed.image.href == f"{base}{SLUG}/cover.jpg"


@pytest.mark.parametrize(("path", "mime"), [
    ("/lantern.mp3", "audio/mpeg"),
    ("/lantern.m4b", "audio/mp4"),
    (f"/{SLUG}/lantern.vtt", "text/vtt; charset=utf-8"),
    (f"/{SLUG}/lantern.srt", "application/x-subrip; charset=utf-8"),
    (f"/{SLUG}/lantern.chapters.json", "application/json"),
    (f"/{SLUG}/cover.jpg", "image/jpeg"),
    ("/", "text/html; charset=utf-8"),
])
def test_head_answers_like_get_without_a_body(server: FolderServer, path: str, mime: str) -> None:
    status, headers, body = get(server, path, "HEAD")
    assert (status, body) == (200, b"")
    assert headers["Content-Type"] == mime
    _, got, full = get(server, path)
    assert int(headers["Content-Length"]) == len(full) == int(got["Content-Length"])
    assert headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(("asked", "first", "last"), [
    ("bytes=0-99", 0, 99), ("bytes=1000-", 1000, None), ("bytes=-500", -500, None),
    ("bytes=4096-999999999", 4096, None), ("bytes=0-0", 0, 0),
])
def test_ranges_return_the_exact_slices(server: FolderServer, published: pipeline.Folders,
                                        asked: str, first: int, last: int | None) -> None:
    data = (published.output / "lantern.mp3").read_bytes()
    expected = data[first:] if last is None else data[first:last + 1]
    status, headers, body = get(server, "/lantern.mp3", headers={"Range": asked})
    assert status == 206 and body == expected
    start = first % len(data)
    assert headers["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(data)}"
    assert int(headers["Content-Length"]) == len(expected)


@pytest.mark.parametrize("asked", ["bytes=999999999-", "bytes=-0"])
def test_a_range_past_the_end_is_416(server: FolderServer, published: pipeline.Folders, asked: str) -> None:
    size = (published.output / "lantern.mp3").stat().st_size
    status, headers, _ = get(server, "/lantern.mp3", headers={"Range": f"{asked.replace('999999999', str(size))}"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}"


@pytest.fixture()
def secret(published: pipeline.Folders, tmp_path: Path) -> Iterator[Path]:
    """A file outside the served folder, and a symlink to it inside, removed afterwards."""
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP SECRET", encoding="utf-8")
    link = published.output / "leak.txt"
    link.symlink_to(outside)
    yield outside
    link.unlink()


def test_nothing_outside_the_folder_is_served(server: FolderServer, published: pipeline.Folders,
                                              secret: Path) -> None:
    depth = "/".join([".."] * (len(published.output.resolve().parts) + 2))
    attempts = [
        f"/{depth}{secret}", f"/../{secret.name}", "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        f"/{SLUG}/..%2f..%2f..%2f..%2fetc%2fpasswd", "/..%5c..%5cetc%5cpasswd", str(secret), f"/{secret}",
        f"//{secret}", "/etc/passwd", "/leak.txt", f"/{SLUG}/../../leak.txt", "/%00/etc/passwd",
        f"http://127.0.0.1{secret}",
    ]
    for path in attempts:
        status, _, body = get(server, path)
        assert status in (403, 404), path
        assert b"TOP SECRET" not in body and b"root:" not in body, path


def test_hidden_files_such_as_a_render_in_progress_are_not_served(server: FolderServer,
                                                                  published: pipeline.Folders) -> None:
    partial = published.output / ".lantern.mp3.0123abcd.mp3"
    partial.write_bytes(b"half an mp3")
    try:
        assert get(server, f"/{partial.name}")[0] == 404
    finally:
        partial.unlink()


def test_a_client_that_hangs_up_mid_download_does_not_stop_the_server(server: FolderServer,
                                                                      published: pipeline.Folders) -> None:
    for _ in range(3):
        with socket.create_connection(server.server_address[:2], timeout=10) as client:
            client.sendall(b"GET /lantern.m4b HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.recv(1024).startswith(b"HTTP/1.1 200")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    status, _, body = get(server, "/lantern.m4b")
    assert status == 200 and body == (published.output / "lantern.m4b").read_bytes()


def start_serve(folder: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """`narrate serve --port 0 ARGS` in `folder`, and the address it prints."""
    process = subprocess.Popen([NARRATE, "serve", "--port", "0", *args], cwd=folder, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"at (http://\S+/)", first)
    assert match, first + process.stderr.read() if process.stderr else first
    return process, match.group(1)


def stop(process: subprocess.Popen[str], number: int = signal.SIGINT) -> tuple[int, str, str]:
    """Ctrl-C (or another signal) the server; (exit code, rest of stdout, stderr)."""
    process.send_signal(number)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_serve_prints_the_feed_and_stops_cleanly_on_ctrl_c_or_sigterm(published: pipeline.Folders,
                                                                      number: int) -> None:
    process, base = start_serve(published.output.parent)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert get_url(f"{base}lantern.mp3")[0] == 200
    finally:
        code, _, err = stop(process, number)
    assert line.strip() == f"The Lantern Keeper (2 episodes): {base}{SLUG}/feed.xml"
    assert code == 0 and err.strip().splitlines()[-1] == "stopped" and "Traceback" not in err
    assert "GET /lantern.mp3 200" in err  # the request log


def test_a_port_in_use_is_one_line(published: pipeline.Folders) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = subprocess.run([NARRATE, "serve", "--port", str(taken.getsockname()[1])],
                                cwd=published.output.parent, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "cannot listen on 127.0.0.1:" in line and "--port" in line


def lan_address_of_this_machine() -> str | None:
    """The machine's non-loopback IPv4 address as iproute2 sees it, if it has one."""
    if not shutil.which("ip"):
        return None
    route = subprocess.run(["ip", "-4", "route", "get", "192.0.2.1"], capture_output=True, text=True).stdout
    match = re.search(r"\bsrc (\d+\.\d+\.\d+\.\d+)", route)
    return match.group(1) if match and not match.group(1).startswith("127.") else None


def test_lan_serves_on_the_lan_address_with_a_qr_code(published: pipeline.Folders) -> None:
    address = lan_address_of_this_machine()
    if address is None:
        pytest.skip("this machine has no LAN address")
    process, base = start_serve(published.output.parent, "--lan")
    try:
        status, _, body = get_url(f"{base}{SLUG}/feed.xml")
    finally:
        _, out, _ = stop(process)
    assert base.startswith(f"http://{address}:")
    assert status == 200 and f"{base}lantern.mp3".encode() in body
    assert "█" in out or "▀" in out  # the QR code


def get_url(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET an absolute http URL."""
    match = re.fullmatch(r"http://([^:/]+):(\d+)(/.*)", url)
    assert match
    connection = http.client.HTTPConnection(match.group(1), int(match.group(2)), timeout=10)
    try:
        connection.request("GET", match.group(3))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_gpodder_subscribes_lists_and_downloads_the_episodes_byte_identical(
        published: pipeline.Folders, tmp_path: Path) -> None:
    if not shutil.which("gpo"):
        if os.environ.get("CI"):
            pytest.fail("gpo is missing: .ci/run installs Debian's gpodder")
        pytest.skip("gPodder's gpo is not installed (apt-get install gpodder)")
    env = {**os.environ, "GPODDER_HOME": str(tmp_path / "home"), "GPODDER_DOWNLOAD_DIR": str(tmp_path / "downloads")}

    def gpo(*args: str) -> str:
        result = subprocess.run(["gpo", *args], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    process, base = start_serve(published.output.parent, "--quiet")
    try:
        feed = f"{base}{SLUG}/feed.xml"
        assert "Successfully added" in gpo("subscribe", feed)
        assert "The Lantern Keeper" in gpo("list")
        listed = gpo("episodes", "--guid", feed)
        guids = re.findall(r"([0-9a-f]{8}-[0-9a-f-]{27})\s+\S*\s*(Chapter [12]: [^\n]+)", listed)
        assert sorted(title.strip() for _, title in guids) == ["Chapter 1: Before the Storm", "Chapter 2: The Storm"]
        for guid, _ in guids:
            assert "1 episodes downloaded" in gpo("download", feed, guid)
    finally:
        stop(process)
    downloads = sorted((tmp_path / "downloads").rglob("*.mp3"))
    assert [path.name for path in downloads] == ["lantern.mp3", "prologue.mp3"]
    for path in downloads:
        assert path.read_bytes() == (published.output / path.name).read_bytes()
