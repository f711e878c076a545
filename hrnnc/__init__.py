"""hrnnc: a compiler for k-hypergraph recurrent neural networks (k-HRNNs)."""

from __future__ import annotations

from hrnnc.api import Report, check, compile, parse, simulate
from hrnnc.diagnostics import (
    CheckFailedError,
    ConfigurationError,
    Diagnostic,
    HrnncError,
    InternalError,
    ParseFailedError,
    SimulationError,
    TargetError,
    TargetUnavailableError,
)
from hrnnc.ir import Model, print_model
from hrnnc.train import train  # the function; the package stays importable as hrnnc.train.<module>

__version__ = "0.1.0"

__all__ = [
    "CheckFailedError", "ConfigurationError", "Diagnostic", "HrnncError", "InternalError", "Model",
    "ParseFailedError", "Report", "SimulationError", "TargetError", "TargetUnavailableError", "__version__",
    "check", "compile", "parse", "print_model", "simulate", "train",
]
