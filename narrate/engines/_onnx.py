"""What the neural engines share: an onnxruntime session on the worker's share of the cores, and their errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from narrate.engines._quiet import Captured
from narrate.engines.base import THREADS_VARIABLE
from narrate.errors import EngineError

if TYPE_CHECKING:
    from onnxruntime import InferenceSession


def cpu_session(model: Path) -> InferenceSession:
    """`model` loaded for the CPU, on $NARRATE_ENGINE_THREADS threads (unset: onnxruntime's choice)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = int(os.environ.get(THREADS_VARIABLE) or 0)
    return onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])


def failure(what: str, error: Exception, captured: Captured, advice: str = "") -> EngineError:
    """One line saying `what` failed, with the error and the last of what the engine printed meanwhile."""
    message = " ".join(str(error).split())[:300]
    said = f"{what}: {type(error).__name__}: {message} {captured.evidence()}".rstrip()
    return EngineError(f"{said}; {advice}" if advice else said)
