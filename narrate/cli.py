"""Command line: argument parsing, progress display, errors -> one line and an exit code."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from narrate import pipeline
from narrate.engines.base import ENGINES
from narrate.errors import AudioError, ConfigError, NarrateError
from narrate.files import atomic_path
from narrate.model import NARRATOR, Script, Voice
from narrate.parse import script_records
from narrate.synthesize import EngineHosts, Progress as ProgressCallback, speak

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
stderr = Console(stderr=True)


class DefaultGroup(click.Group):
    """A group whose unknown first word is a chapter to render: `narrate chapter4`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["render", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings=CONTEXT)
@click.version_option(package_name="narrate")
def cli() -> None:
    """Turn a fiction chapter into a multi-voice audiobook.

    Put a chapter in input/ (text copied from an AO3 chapter page, or any plain
    text), then run `narrate NAME`. Voices live in voices/<work>.toml: edit them
    and run again.

    \b
    Example:
        narrate chapter4                 # -> output/chapter4.mp3 and .m4b
        narrate script chapter4          # who says what
        narrate cast chapter4            # characters and their voices
        narrate voices --engine piper    # voices to choose from
    """


@cli.command()
@click.argument("name")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Worker processes for synthesis [default: all cores].")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def render(name: str, jobs: int | None, quiet: bool) -> None:
    """Narrate chapter NAME into output/NAME.mp3 and output/NAME.m4b.

    NAME is a file in input/ without its extension, or a path. The first run
    writes the cast file voices/<work>.toml; later runs only add newcomers.

    \b
    Example:
        narrate chapter4
        narrate render chapter4 --jobs 2 --quiet
    """
    with _progress(quiet) as progress:
        written = pipeline.render(name, pipeline.Folders(), jobs=jobs, progress=progress)
    if not quiet:
        for path in written:
            click.echo(f"wrote {path}")


@cli.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="text: a readable script; jsonl: one JSON object per segment.")
def script(name: str, fmt: str) -> None:
    """Print chapter NAME as a script: narration and who says each line.

    \b
    Example:
        narrate script chapter4
        narrate script chapter4 --format jsonl > chapter4.jsonl
    """
    parsed = pipeline.load_scripts(name, pipeline.Folders())[0]
    if fmt == "jsonl":
        for record in script_records(parsed):
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        click.echo(_script_text(parsed))


@cli.command(name="cast")
@click.argument("name")
def cast_command(name: str) -> None:
    """Show the characters of chapter NAME, their line counts and voices.

    Creates or extends voices/<work>.toml as a render would.

    \b
    Example:
        narrate cast chapter4
    """
    folders = pipeline.Folders()
    parsed = pipeline.load_scripts(name, folders)[0]
    with EngineHosts() as hosts:
        voices = pipeline.load_cast(parsed, folders, hosts)
    table = Table(title=f"{parsed.work.meta.title}: cast ({voices.path})")
    for column in ("character", "gender", "lines", "engine", "voice", "rate", "pitch"):
        table.add_column(column)
    table.add_row(NARRATOR, "", "", *_voice_cells(voices.narrator))
    for character in parsed.characters:
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
        narrate voices --engine espeak
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
        narrate preview piper en_US-joe-medium --pitch 2.5 --rate 1.06
        narrate preview espeak en-us+f3 --text "Hello there." -o hello.wav
    """
    chosen = Voice(engine, voice, rate, pitch)
    with EngineHosts(1) as hosts:
        offered = [info.id for info in hosts.catalog().get(engine, [])]
        if voice not in offered:
            raise ConfigError(f"unknown {engine} voice {voice!r} (see `narrate voices --engine {engine}`)")
        wav = speak(text, chosen, hosts, pipeline.Folders().cache)
    try:
        with atomic_path(output) as temporary:
            shutil.copyfile(wav, temporary)
    except OSError as error:
        raise AudioError(f"{output}: cannot write the preview ({error.strerror})") from None
    click.echo(f"wrote {output}")


def _voice_cells(voice: Voice) -> tuple[str, str, str, str]:
    """Table cells for one voice."""
    return voice.engine, voice.voice, f"{voice.rate:g}", f"{voice.pitch:+g}"


def _script_text(parsed: Script) -> str:
    """A readable script: scene headings, narration, and NAME: “line” (confidence)."""
    out, scene = [], 0
    for segment in parsed.segments:
        if segment.scene != scene:
            scene = segment.scene
            out.append(f"\n── Scene {scene} ──")
        if segment.kind == "dialogue":
            out.append(f"  {segment.speaker}: “{segment.text}”  ({segment.confidence:.2f})")
        else:
            out.append(segment.text)
    return "\n".join(out).lstrip("\n")


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
        place = f"{error.filename}: " if error.filename else ""
        click.echo(f"narrate: error: {place}{error.strerror or error}", err=True)
        sys.exit(1)
