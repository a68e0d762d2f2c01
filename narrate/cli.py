"""Command line: argument parsing, progress display, errors -> one line and an exit code."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from narrate import pipeline, review
from narrate.cast import offered_voice, work_characters
from narrate.engines.base import ENGINES
from narrate.errors import AudioError, NarrateError
from narrate.files import atomic_path, refusal
from narrate.lexicon import pronounce, said_words
from narrate.model import NARRATOR, Estimate, Line, Script, Segment, Voice
from narrate.publish import DEFAULT_BASE_URL, DEFAULT_PORT, feed_url
from narrate.serve import FolderServer, lan_address, serve_until_stopped
from narrate.synthesize import EngineHosts, speak
from narrate.synthesize import Progress as ProgressCallback

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
REVIEW_BELOW = 0.7
"""`narrate script --review` shows quotes with a confidence under this."""
EXIT_CODES = """\b
Exit codes:
  1    any other error
  2    the input is missing, unreadable or empty, or in a language its voices do not speak; or a wrong command line
  3    a voices/*.toml file is malformed or names something that does not exist
  4    a speech engine failed or is not available
  5    ffmpeg or a tag writer failed while making the audio
  6    an output or voices folder cannot be written (read-only, full, not a folder)
  130  interrupted (Ctrl-C)"""
"""What each exit status means, shown at the end of `narrate --help` (errors.py's classes have codes 2 to 6)."""
stderr = Console(stderr=True)


class DefaultGroup(click.Group):
    """A group whose unknown first word is a chapter to render: `narrate chapter4`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["render", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings=CONTEXT, epilog=EXIT_CODES)
@click.version_option(package_name="narrate")
def cli() -> None:
    """Turn fiction into a multi-voice audiobook.

    Put a work or a chapter in input/ (AO3's Download > HTML or EPUB, any
    EPUB, text copied from an AO3 chapter page, or any plain text), then run
    `narrate NAME`. Voices live in voices/<work>.toml: edit them and run again.

    \b
    Example:
        narrate chapter4                      # -> output/chapter4.mp3 and .m4b
        narrate script chapter4               # who says what
        narrate script chapter4 --review      # the lines narrate is unsure of
        narrate fix chapter4 LINE_ID Sasuke   # say who really says one
        narrate cast chapter4                 # characters and their voices
        narrate voices --engine kokoro        # voices to choose from
        narrate preview kokoro af_heart       # hear one
        narrate serve --lan                   # the feed, for a phone on this network
    """


def _base_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A base URL checked to be absolute http(s), ending in "/"."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise click.BadParameter(f"{value!r} is not an absolute http(s) URL, e.g. https://example.org/audiobooks/")
    return value if value.endswith("/") else value + "/"


@cli.command()
@click.argument("name")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Worker processes for synthesis [default: all cores].")
@click.option("--base-url", envvar="NARRATE_BASE_URL", default=DEFAULT_BASE_URL, show_default=True,
              callback=_base_url, help="Where output/ will be served from: the feed's links start with it "
              "(also NARRATE_BASE_URL). `narrate serve` rewrites them to its own address anyway.")
@click.option("--read-notes", is_flag=True, envvar="NARRATE_READ_NOTES",
              help="Also read the summaries and author's notes aloud (they are always in the feed and the tags).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def render(name: str, jobs: int | None, base_url: str, read_notes: bool, quiet: bool) -> None:
    """Narrate chapter NAME into output/NAME.mp3 and output/NAME.m4b, and publish it to its work's podcast feed.

    NAME is a file in input/ (text, HTML or EPUB) without its extension, or a
    path. A file holding
    several chapters gives output/NAME-1.mp3, NAME-2.mp3, ... (NAME-01 and on
    from ten chapters), one episode each. The first run
    writes the cast file voices/<work>.toml; later runs only add newcomers.
    Each chapter of a work becomes an episode of output/<work>/feed.xml, with
    chapters JSON and WebVTT/SRT transcripts beside it (see `narrate serve`).
    The last line estimates how accurate the speakers are (see `narrate script`).

    \b
    Example:
        narrate chapter4
        narrate my-fic                        # input/my-fic.html, AO3's download
        narrate render chapter4 --jobs 2 --quiet
        narrate chapter4 --base-url https://example.org/audiobooks/
        narrate my-fic --read-notes
    """
    folders = pipeline.Folders()
    with _progress(quiet) as progress:
        written = pipeline.render(name, folders, jobs=jobs, progress=progress, base_url=base_url, notes=read_notes)
    if not quiet:
        if not any(path.suffix == ".mp3" for path in written):
            click.echo("the outputs are up to date: nothing that makes them has changed since the last render")
        for path in dict.fromkeys(written):  # a work's feed is rewritten once per chapter
            click.echo(f"wrote {path}")
        click.echo(_estimate_line(pipeline.speaker_estimate(pipeline.load_scripts(name, folders), folders)))


@cli.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl", "source"]), default="text", show_default=True,
              help="text: a readable script; jsonl: one JSON object per segment; source: the text narrate read, "
              "which jsonl's start and end point into (for HTML and EPUB, the plain text it extracted).")
@click.option("--review", is_flag=True,
              help="Show only the quotes narrate is unsure of, in context, each with the command that fixes it.")
@click.option("--below", type=click.FloatRange(0, 1), metavar="CONFIDENCE",
              help=f"With --review: unsure means a confidence below this [default: {REVIEW_BELOW}].")
def script(name: str, fmt: str, review: bool, below: float | None) -> None:
    """Print NAME as a script: narration, and who says each line with how sure narrate is.

    Every chapter in the file is printed. Each quote shows its line id, which
    `narrate fix` takes. On stderr, one line estimates how accurate the speakers
    are: narrate hides the speech tags it found ("said Mara") and checks that
    it still gives those quotes the same speakers.

    \b
    Example:
        narrate script chapter4
        narrate script chapter4 --review --below 0.8
        narrate script chapter4 --format jsonl > chapter4.jsonl
        narrate script my-fic --format source > my-fic.txt
    """
    if (review or below is not None) and fmt != "text":
        raise click.UsageError(f"--review prints text for reading, not --format {fmt}; "
                               "with --format jsonl, filter on \"confidence\"")
    folders = pipeline.Folders()
    if fmt == "source":
        click.echo(pipeline.load_input(name, folders)[0].text, nl=False)
        return
    scripts = pipeline.load_scripts(name, folders)
    if review or below is not None:
        click.echo(_review_text(name, scripts, REVIEW_BELOW if below is None else below))
    elif fmt == "jsonl":
        for record in pipeline.records(scripts):
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        click.echo(_script_text(scripts))
    click.echo(_estimate_line(pipeline.speaker_estimate(scripts, folders)), err=True)


@cli.command()
@click.argument("name")
@click.argument("line_id")
@click.argument("speaker")
def fix(name: str, line_id: str, speaker: str) -> None:
    """Say who really speaks line LINE_ID of NAME; every later run uses it.

    Line ids are shown by `narrate script NAME --review` (the doubtful lines)
    and `narrate script NAME` (all of them). The correction is saved in
    voices/<work>.speakers.toml, and holds when the rest of the chapter is
    edited. Put a SPEAKER with spaces in quotes.

    \b
    Example:
        narrate fix chapter4 3f9c0a12de Sasuke
        narrate fix chapter4 b41e77d0c2 "the man"
    """
    done = review.fix(name, pipeline.Folders(), line_id, speaker)
    was = done.quote.speaker or "nobody"
    change = f"{was} -> {done.speaker}" if was != done.speaker else f"stays {done.speaker}, now for certain"
    click.echo(f"line {line_id} “{_excerpt(done.quote.text, 50)}”: {change} (saved in {done.path})")
    for moved in done.moved:
        click.echo(f"  so line {moved.id} “{_excerpt(moved.text, 50)}” is now {moved.speaker}")
    if done.speaker not in done.known:
        known = ", ".join(done.known) or "none yet"
        click.echo(f"note: {done.speaker} is new to this text (speakers so far: {known}); check the spelling",
                   err=True)


@cli.command(name="cast")
@click.argument("name")
def cast_command(name: str) -> None:
    """Show the characters of NAME (every chapter in it), their line counts and voices.

    Creates or extends voices/<work>.toml as a render would.

    \b
    Example:
        narrate cast chapter4
    """
    folders = pipeline.Folders()
    scripts = pipeline.load_scripts(name, folders)
    with EngineHosts() as hosts:
        voices = pipeline.load_cast(scripts, folders, hosts)
    table = Table(title=f"{scripts[0].work.meta.title}: cast ({voices.path})")
    for column in ("character", "gender", "lines", "engine", "voice", "rate", "pitch"):
        table.add_column(column)
    table.add_row(NARRATOR, "", "", *_voice_cells(voices.narrator))
    for character in work_characters(scripts):
        table.add_row(character.name, character.gender, str(character.lines),
                      *_voice_cells(voices.voice_for(character.name)))
    Console().print(table)


@cli.command()
@click.option("--engine", type=click.Choice(sorted(ENGINES)), help="Only this engine's voices.")
def voices(engine: str | None) -> None:
    """List the voices each engine offers on this machine.

    \b
    Example:
        narrate voices
        narrate voices --engine kokoro
    """
    with EngineHosts(1) as hosts:
        catalog = hosts.catalog()
        found = {name: catalog[name] for name in ([engine] if engine else ENGINES) if name in catalog}
    table = Table()
    for column in ("engine", "voice", "name", "gender", "language"):
        table.add_column(column)
    for name, infos in found.items():
        for info in infos:
            table.add_row(name, info.id, info.name, info.gender, info.language)
    Console().print(table)


@cli.command()
@click.argument("engine", type=click.Choice(sorted(ENGINES)))
@click.argument("voice")
@click.option("--rate", type=float, default=1.0, show_default=True, help="Speed multiplier.")
@click.option("--pitch", type=float, default=0.0, show_default=True, help="Pitch shift in semitones.")
@click.option("--text", default="The forest had stopped pretending to be quiet.", show_default=True,
              help="What to say.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("preview.wav"),
              show_default=True, help="WAV file to write.")
def preview(engine: str, voice: str, rate: float, pitch: float, text: str, output: Path) -> None:
    """Speak a sample line in one voice to a WAV file, to try it before casting it.

    \b
    Example:
        narrate preview kokoro af_heart
        narrate preview kokoro "af_bella:60,af_sarah:40" --rate 1.1
        narrate preview piper en_US-joe-medium --pitch 2.5 --rate 1.06
        narrate preview espeak en-us+f3 --text "Hello there." -o hello.wav
    """
    chosen = Voice(engine, voice, rate, pitch)
    with EngineHosts(1) as hosts:
        offered_voice(hosts.catalog(), engine, voice)
        wav = speak(text, chosen, hosts, pipeline.Folders().cache)
    _write_wav(wav, output)
    click.echo(f"wrote {output}")


def _write_wav(wav: Path, output: Path) -> None:
    """Copy a synthesized WAV from the cache to `output` (atomically)."""
    try:
        with atomic_path(output) as temporary:
            shutil.copyfile(wav, temporary)
    except OSError as error:
        raise AudioError(f"{output}: cannot write the WAV ({error.strerror})") from None


@cli.command()
@click.argument("name")
@click.argument("words", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("say.wav"),
              show_default=True, help="WAV file to write.")
def say(name: str, words: tuple[str, ...], output: Path) -> None:
    """Speak WORDS as the lexicon of NAME's work says them, in its narrator's voice, to a WAV file.

    The lexicon is voices/<work>.lexicon.toml (with voices/lexicon.toml); the
    first run writes it with the names narrate found. Prints the IPA each word
    is said with.

    \b
    Example:
        narrate say chapter4 Sasuke
        narrate say chapter4 "Kakashi-sensei" -o kakashi.wav
    """
    folders = pipeline.Folders()
    text = " ".join(words)
    scripts = pipeline.load_scripts(name, folders)
    with EngineHosts(1) as hosts:
        narrator = pipeline.load_cast(scripts, folders, hosts).narrator
        lexicon = pipeline.load_work_lexicon(scripts, folders)
        line = pronounce([Line(text, None, 0, -1)], lexicon)[0]
        wav = speak(line.speech, narrator, hosts, folders.cache)
    _write_wav(wav, output)
    for word, ipa, source in said_words(line.speech, lexicon):
        click.echo(f"{word}: {ipa} ({source})")
    click.echo(f"wrote {output} ({narrator.engine} voice {narrator.voice})")


@cli.command()
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free one).")
@click.option("--lan", is_flag=True, help="Listen on this machine's LAN address, not just loopback, and show "
              "each feed's URL as a QR code for a phone on the same network.")
@click.option("-q", "--quiet", is_flag=True, help="Do not log each request.")
def serve(port: int, lan: bool, quiet: bool) -> None:
    """Serve output/ to podcast apps: every work's feed, audio, chapters and transcripts.

    Subscribe to the feed URL it prints. Feeds are rebuilt for each request, so
    their links point at this server, and chapters rendered while it runs show
    up at the app's next refresh. Listens on 127.0.0.1 unless --lan; serves
    nothing outside output/. Ctrl-C stops it.

    \b
    Example:
        narrate serve
        narrate serve --lan --port 8000
    """
    folder = pipeline.Folders().output
    folder.mkdir(parents=True, exist_ok=True)
    host = lan_address() if lan else "127.0.0.1"
    with FolderServer(folder, host, port, log=None if quiet else _log) as server:
        click.echo(f"serving {folder}/ at {server.base_url}")
        shows = server.shows()
        for show in shows:
            url = feed_url(show.slug, server.base_url)
            click.echo(f"{show.meta.title} ({_count(len(show.episodes), 'episode')}): {url}")
            if lan:
                import segno

                segno.make(url, error="m").terminal(compact=True)
        if not shows:
            click.echo("no feeds yet: render a chapter first (narrate chapter4); it will appear here")
        click.echo("press Ctrl-C to stop", err=True)
        serve_until_stopped(server)
    click.echo("stopped", err=True)


def _log(line: str) -> None:
    """One request or problem of the server, on stderr."""
    click.echo(line, err=True)


def _voice_cells(voice: Voice) -> tuple[str, str, str, str]:
    """Table cells for one voice."""
    return voice.engine, voice.voice, f"{voice.rate:g}", f"{voice.pitch:+g}"


def _script_text(scripts: list[Script]) -> str:
    """A readable script: chapter and scene headings, narration, and NAME: “line” (confidence) [line id]."""
    out: list[str] = []
    for script in scripts:
        if len(scripts) > 1:
            out.append(f"\n══ {script.chapter.heading} ══")
        scene = 0
        for segment in script.segments:
            if segment.scene != scene:
                scene = segment.scene
                out.append(f"\n── Scene {scene} ──")
            out.append(_quote_line(segment) if segment.kind == "dialogue" else " ".join(segment.text.split()))
    return "\n".join(out).lstrip("\n")


def _quote_line(segment: Segment) -> str:
    """One quote of the script: who says it, how sure narrate is, and its line id."""
    line_id = f"  [{segment.id}]" if segment.id else ""
    return f"  {segment.speaker}: “{' '.join(segment.text.split())}”  ({segment.confidence:.2f}){line_id}"


def _review_text(name: str, scripts: list[Script], below: float) -> str:
    """The doubtful quotes in context, each with its fix command, and a count."""
    doubts = review.doubts(scripts, below)
    quotes = sum(1 for script in scripts for segment in script.segments if segment.kind == "dialogue")
    blocks = [_doubt_text(name, doubt, len(scripts) > 1) for doubt in doubts]
    verb = "is" if quotes == 1 else "are"
    summary = f"{len(doubts)} of {_count(quotes, 'quote')} {verb} doubtful (confidence below {below:g})"
    if not doubts:
        summary += ": nothing to review"
    return "\n\n".join([*blocks, summary])


def _doubt_text(name: str, doubt: review.Doubt, chapters: bool) -> str:
    """One doubtful quote: where it is, the guess, the paragraphs around it, and the command that fixes it."""
    quote = doubt.quote
    place = f"{doubt.heading}, scene {quote.scene}" if chapters else f"scene {quote.scene}"
    focus = quote.start - doubt.here.paragraph.start
    return "\n".join([
        f"line {quote.id or '(no id)'} · {place} · “{_excerpt(quote.text, 60)}”",
        _context_line(doubt.before, "   ", -1, "(scene starts)"),
        _context_line(doubt.here, " ▶ ", focus, ""),
        _context_line(doubt.after, "   ", 0, "(scene ends)"),
        f"   {quote.speaker or 'nobody'}? {quote.confidence:.0%} sure."
        f"  Fix: narrate fix {shlex.quote(name)} {quote.id or 'LINE_ID'} SPEAKER",
    ])


def _context_line(context: review.Context | None, mark: str, focus: int, missing: str) -> str:
    """A paragraph around a doubtful quote on one line, with who speaks in it."""
    if context is None:
        return f"{mark}{missing}"
    who = f"[{', '.join(context.speakers)}] " if context.speakers else ""
    text = context.paragraph.text
    return f"{mark}{who}{_window(text, 110, len(text) if focus < 0 else focus)}"


def _window(text: str, limit: int, focus: int) -> str:
    """`text` on one line, cut to about `limit` characters around position `focus`, with "…" where cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    at = len(" ".join(text[:focus].split()))
    start = max(0, min(at - limit // 2, len(flat) - limit))
    cut = flat[start : start + limit]
    return ("…" if start else "") + cut + ("…" if start + limit < len(flat) else "")


def _excerpt(text: str, limit: int) -> str:
    """The start of `text` on one line, cut with "…" past `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _estimate_line(estimate: Estimate) -> str:
    """The self-estimate of attribution accuracy in one line."""
    quotes = _count(estimate.quotes, "quote")
    if not estimate.quotes:
        return "speakers: no quotes"
    if not estimate.tagged:
        return f"speakers: {quotes}, none with a name tag: no estimate of accuracy"
    percent = round(estimate.accuracy * 100)
    if estimate.recovered < estimate.tagged:
        percent = min(percent, 99)  # never "100%" while some came back wrong
    return (f"speakers: {quotes}, {estimate.tagged} with a name tag; with those tags hidden "
            f"{estimate.recovered}/{estimate.tagged} come back right: estimated accuracy {percent}%")


def _count(n: int, noun: str) -> str:
    """"1 quote", "2 quotes"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


@contextmanager
def _progress(quiet: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr, shown from the first finished line (not when quiet or not a terminal)."""
    if quiet or not stderr.is_terminal:
        yield None
        return
    columns = (TextColumn("synthesizing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn())
    bar = Progress(*columns, console=stderr, transient=True)
    task = bar.add_task("synthesizing", total=None)

    def update(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if bar.live.is_started:
            bar.stop()


def main() -> None:
    """Entry point: run the CLI; user errors become one line on stderr and an exit code."""
    try:
        cli.main(standalone_mode=False)
    except NarrateError as error:
        click.echo(f"narrate: error: {error}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("narrate: interrupted", err=True)
        sys.exit(130)
    except click.exceptions.NoArgsIsHelpError as error:
        click.echo(error.format_message())
    except click.UsageError as error:
        where = error.ctx.command_path if error.ctx else "narrate"
        click.echo(f"narrate: error: {error.format_message()} (see `{where} --help`)", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        click.echo(f"narrate: error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("narrate: interrupted", err=True)
        sys.exit(130)
    except OSError as error:  # the file system said no somewhere no stage translated it
        refused = refusal(error)
        if refused is not None:  # a folder that cannot be written: named, not the file in progress in it
            click.echo(f"narrate: error: {refused}", err=True)
            sys.exit(refused.exit_code)
        place = f"{error.filename}: " if error.filename else ""
        click.echo(f"narrate: error: {place}{error.strerror or error}", err=True)
        sys.exit(1)
