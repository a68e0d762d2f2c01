"""One error root. Library code raises these; only the CLI prints them."""

from __future__ import annotations


class NarrateError(Exception):
    """A problem the user can act on, stated in one line."""

    exit_code = 1


class InputError(NarrateError):
    """The input text is missing, unreadable, or has nothing to narrate."""

    exit_code = 2


class ConfigError(NarrateError):
    """A voices/*.toml file is malformed or names something that does not exist."""

    exit_code = 3


class EngineError(NarrateError):
    """A speech engine failed or is not available."""

    exit_code = 4


class AudioError(NarrateError):
    """ffmpeg or a tag writer failed while assembling or exporting audio."""

    exit_code = 5


class OutputError(NarrateError):
    """An output or voices folder cannot be written: read-only, full, not a folder, or not ours to write."""

    exit_code = 6
