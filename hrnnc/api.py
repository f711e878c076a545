"""The embedding API: parse, check, compile, simulate."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hrnnc.diagnostics import (
    CheckFailedError,
    Code,
    ConfigurationError,
    Diagnostic,
    Note,
    ParseFailedError,
    Severity,
    TargetError,
    error,
)
from hrnnc.frontend import parse_file, parse_text
from hrnnc.ir import EvaluationError, Model, split_inputs, unroll
from hrnnc.passes import PassManager, PropertySet
from hrnnc.passes.pipelines import check_passes, semantic_passes

if TYPE_CHECKING:
    from hrnnc.targets import Target


def parse(source: str | Path | None = None, *, text: str | None = None, path: str | Path | None = None,
          name: str | None = None) -> Model:
    """Parse a model from its text or from a file; which one is always explicit.

    ``parse("hrnn m { … }")`` and ``parse(text=…)`` parse the string itself: a string is never
    taken for a file name, so text from an untrusted source cannot make hrnnc read a file.
    ``parse(Path("m.hrnn"))`` and ``parse(path="m.hrnn")`` read the file (``"-"``: standard input).

    Args:
        source: Model text (``str``) or a file (``pathlib.Path``).
        text: Model text, by keyword.
        path: A file to read, by keyword.
        name: The name diagnostics give to ``text`` (default ``<string>``).

    Raises:
        ParseFailedError: Syntax or lowering errors; ``.diagnostics`` holds them all.
        ConfigurationError: Not exactly one of ``source``, ``text``, ``path`` was given.
    """
    given = [value for value in (source, text, path) if value is not None]
    if len(given) != 1:
        raise ConfigurationError("parse takes exactly one of: model text, a pathlib.Path, text=…, path=…")
    if path is not None or isinstance(source, Path):
        return parse_file(path if path is not None else source)  # type: ignore[arg-type]
    body = text if text is not None else source
    if not isinstance(body, str):
        raise ConfigurationError(f"model text must be a str, not {type(body).__name__}")
    try:
        return parse_text(body, name or "<string>")
    except ParseFailedError as exc:
        if _names_a_file(body):
            raise ParseFailedError(_with_path_hint(exc.diagnostics)) from None
        raise


def _names_a_file(text: str) -> bool:
    """A one-line string ending in ``.hrnn``: probably a file name given as text (never opened)."""
    return "\n" not in text and text.strip().endswith(".hrnn")


def _with_path_hint(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    hint = Note("a str is model text, never a file name; to read a file pass pathlib.Path(...) or path=...")
    first, *rest = diagnostics
    return (Diagnostic(first.code, first.message, first.span, first.severity, (*first.notes, hint)), *rest)


def as_model(model: Model | str | Path) -> Model:
    """A model as given, or parsed from text (``str``) or a file (``Path``)."""
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
        model: A model, model text (``str``) or a file (``pathlib.Path``).
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
        model: A model, model text (``str``) or a file (``pathlib.Path``).
        target: A target name (``qiskit``, ``tket``, ``sf``) or a configured Target.
        inputs: Input tokens (a string is split on whitespace); None gives the unit cells.
        params: Param values overriding the file's initial values; the result is then
            numeric (a target that keeps symbolic params binds them to these values).
        options: The target's options (its dataclass fields); beside a configured Target, they
            replace that target's own (a copy is used).

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
    tgt = make_target(target, **options)
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
    try:
        return tgt.emit(model, props, tokens)
    except (EvaluationError, OverflowError, ZeroDivisionError) as exc:
        raise _unrepresentable(tgt.name, exc) from None


def _unrepresentable(target: str, exc: ArithmeticError) -> TargetError:
    """E0505: a value the model checker accepts (finite in float arithmetic) that the target's own
    arithmetic cannot hold, e.g. Qiskit's symbolic ``g / 1e-300`` or an SF gate argument past 1e308."""
    span = getattr(getattr(exc, "node", None), "span", None)
    return TargetError([error(Code.E0505, f"the '{target}' target cannot represent this value: "
                              f"{exc or type(exc).__name__}; scale the expression into a moderate range", span)])


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

    Raises:
        ConfigurationError: An invalid option (E0006).
        SimulationError: The run does not fit in memory, or lost its numerical precision (E06xx).
    """
    from hrnnc.params import resolve_params
    from hrnnc.sim import run_simulation

    model = as_model(model)
    _require_clean(model)
    values = None if params is None else resolve_params(model, params)
    return run_simulation(model, split_inputs(inputs), shots=shots, seed=seed, params=values, **options)
