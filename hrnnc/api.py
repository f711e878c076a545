"""The embedding API: parse, check, compile, simulate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hrnnc.diagnostics import (
    CheckFailedError,
    Code,
    Diagnostic,
    Severity,
    TargetError,
    error,
)
from hrnnc.frontend import parse_file, parse_text
from hrnnc.ir import Model, split_inputs, unroll
from hrnnc.passes import PassManager, PropertySet
from hrnnc.passes.pipelines import check_passes, semantic_passes

if TYPE_CHECKING:
    from hrnnc.targets import Target


def _looks_like_path(text: str) -> bool:
    """A one-line string that names an existing file or ends in ``.hrnn``."""
    if not text or "\n" in text or "{" in text or "\x00" in text or len(text) > 4096:
        return False
    return text.endswith(".hrnn") or text == "-" or Path(text).is_file()


def parse(text_or_path: str | Path, *, name: str | None = None) -> Model:
    """Parse a model from text or from a file path.

    A :class:`~pathlib.Path`, or a one-line string without ``{``, is read as a file;
    anything else is model text.

    Raises:
        ParseFailedError: Syntax or lowering errors; ``.diagnostics`` holds them all.
    """
    if isinstance(text_or_path, Path) or _looks_like_path(text_or_path):
        return parse_file(text_or_path)
    return parse_text(text_or_path, name or "<string>")


def as_model(model: Model | str | Path) -> Model:
    return model if isinstance(model, Model) else parse(model)


@dataclass(frozen=True)
class Report:
    """What :func:`check` found: diagnostics in source order and the analyses' properties."""

    model: Model
    diagnostics: tuple[Diagnostic, ...]
    properties: PropertySet = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)


def _sorted(diags: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    from hrnnc.diagnostics import sort_key

    return tuple(sorted(diags, key=sort_key))


def run_semantic(model: Model) -> PropertySet:
    """All semantic and degree passes; they all run so that every mistake is reported at once."""
    _, props = PassManager(semantic_passes(), stop_on_error=False).run(model)
    return props


def check(model: Model | str | Path, *, strict: bool = False, **closure_options: Any) -> Report:
    """Run every check of ``hrnnc check`` (semantics, degree, Lie closure).

    Args:
        model: A model, or text/path to parse.
        strict: Turn "trainability not certified" into an error (E0402).
        closure_options: Options of the closure pass (e.g. ``max_dim``).
    """
    model = as_model(model)
    props = run_semantic(model)
    if not props.has_errors:
        _, props = PassManager(check_passes(strict=strict, **closure_options)).run(model, props)
    return Report(model, _sorted(props.diagnostics), props)


def _require_clean(model: Model) -> PropertySet:
    props = run_semantic(model)
    if props.has_errors:
        raise CheckFailedError(_sorted(props.diagnostics))
    return props


def compile(
    model: Model | str | Path,
    target: str | Target = "qiskit",
    inputs: str | Iterable[str] | None = None,
    params: Mapping[str, float] | None = None,
    **options: Any,
) -> Any:
    """Compile a model for a target.

    Args:
        model: A model, or text/path to parse.
        target: A target name (``qiskit``, ``tket``, ``sf``) or a configured Target.
        inputs: Input tokens (a string is split on whitespace); None gives the unit cells.
        params: Param values overriding the file's initial values; the result is then
            numeric (a target that keeps symbolic params binds them to these values).
        options: The target's options (its dataclass fields).

    Returns:
        The SDK's object (``QuantumCircuit``, pytket ``Circuit``, ``sf.Program``), or for
        ``inputs=None`` the target's mapping of token to unit cell.

    Raises:
        CheckFailedError: The model has semantic errors.
        TargetError: The target cannot express the model (E05xx), or its SDK is missing.
        ParseFailedError: An input token has no ``on`` block (E0218).
        TrainingError: An unknown param name (E0701) or a non-finite value (E0702).
    """
    from hrnnc.params import resolve_params, with_param_values
    from hrnnc.targets import make_target

    model = as_model(model)
    values = None if params is None else resolve_params(model, params)
    if values is not None:
        model = with_param_values(model, values)
    props = _require_clean(model)
    tgt = make_target(target, **options) if isinstance(target, str) else target
    if values is not None:
        tgt = tgt.numeric()
    if model.kind not in tgt.register_kinds:
        kinds = " or ".join(sorted(k.value for k in tgt.register_kinds))
        raise TargetError([error(Code.E0501, f"the '{tgt.name}' target takes {kinds}; "
                                 f"model '{model.name}' has {model.kind.value}", model.register.span)])
    tgt.check_size(model)
    _, props = PassManager(list(tgt.passes())).run(model, props)
    if props.has_errors:
        raise TargetError(_sorted(props.diagnostics))
    tokens = None if inputs is None else split_inputs(inputs)
    if tokens is not None:
        unroll(model, tokens)
    return tgt.emit(model, props, tokens)


def simulate(
    model: Model | str | Path,
    inputs: str | Iterable[str],
    shots: int | None = None,
    seed: int | None = None,
    params: Mapping[str, float] | None = None,
    **options: Any,
) -> Any:
    """Run the reference simulator on one input sequence (see :mod:`hrnnc.sim`).

    ``params`` override the file's initial values (E0701 for an unknown name, E0702 for a
    value that is not a finite number).
    """
    from hrnnc.params import resolve_params
    from hrnnc.sim import run_simulation

    model = as_model(model)
    _require_clean(model)
    values = None if params is None else resolve_params(model, params)
    return run_simulation(model, split_inputs(inputs), shots=shots, seed=seed, params=values, **options)
