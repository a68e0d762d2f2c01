"""narrate: multi-voice audiobooks from fiction chapters."""

__version__ = "0.1.0"
