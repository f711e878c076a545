"""The Target contract and the entry-point registry of targets."""

from __future__ import annotations

import argparse
import dataclasses
import functools
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from hrnnc.diagnostics import Code, ConfigurationError, InternalError, TargetError, TargetUnavailableError, error

if TYPE_CHECKING:
    from hrnnc.ir import Model, RegisterKind
    from hrnnc.passes import Pass, PropertySet

ENTRY_POINT_GROUP = "hrnnc.targets"

BUILTIN_TARGETS: Mapping[str, str] = {
    "qiskit": "hrnnc.targets.qiskit_target:QiskitTarget",
    "tket": "hrnnc.targets.tket_target:TketTarget",
    "sf": "hrnnc.targets.sf_target:SFTarget",
}
"""The same table as pyproject's entry points; used when hrnnc runs from a source tree."""


def require_unit_cells(model: Model, target: str, why: str) -> None:
    """Refuse unit cells for tokens with arguments where an output format needs numeric
    angles (E0225); ``why`` says which.

    Raises:
        TargetError: One diagnostic per such cell, at its ``on`` block.
    """
    problems = [
        error(Code.E0225, f"the '{target}' target needs numbers for the arguments of "
              f"{', '.join(repr(t.name) for t in cell.tokens)} ({', '.join(cell.arg_names)}): {why}; "
              "compile an input sequence (--input) instead of unit cells", cell.span)
        for cell in model.cells if cell.args
    ]
    if problems:
        raise TargetError(problems)


@dataclass(frozen=True)
class Target(ABC):
    """A code generator for one SDK. Dataclass fields are its options.

    Subclasses import their SDK only inside methods, so that listing targets or
    building the CLI never imports Qiskit, pytket or Strawberry Fields.
    """

    name: ClassVar[str]
    """Kebab-case name used by ``--target``."""
    description: ClassVar[str]
    """One line for ``hrnnc compile --help``."""
    register_kinds: ClassVar[frozenset[RegisterKind]]
    """Register kinds this target can emit."""
    default_suffix: ClassVar[str]
    """Suffix of the CLI output (``.qasm``, ``.json``, ``.xbb``)."""
    install_hint: ClassVar[str]
    """What to pip install when the SDK is missing."""

    optimize: bool = True
    """Run the optimizer on input sequences (merge phase polynomials across cells, cancel
    stabilizer frames, schedule layers; ``docs/architecture.md``). False (``--no-optimize``)
    emits the cell-by-cell lowering."""

    @classmethod
    def add_arguments(cls, group: argparse._ArgumentGroup) -> None:
        """Add this target's own CLI options (names must not clash with other targets')."""

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Target:
        """Build the target from parsed CLI arguments; by default, fields of the same name."""
        kwargs = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls)
                  if getattr(args, f.name, None) is not None}
        return cls(**kwargs)

    def passes(self) -> Sequence[Pass]:
        """Analyses that check the target's limits (they report E05xx with spans)."""
        return ()

    bytes_per_site: ClassVar[int] = 0
    """What the SDK's circuit or program object holds per qubit or qumode (measured; 0: not checked)."""

    def check_size(self, model: Model) -> None:
        """Refuse (E0630) before building an SDK object whose register alone would not fit in memory.

        Raises:
            TargetError: ``bytes_per_site × register size`` exceeds the memory available now.
        """
        from hrnnc.sim.memory import available_bytes, format_bytes

        needed = self.bytes_per_site * model.size
        available = available_bytes()
        if needed > available:
            raise TargetError([error(
                Code.E0630, f"the '{self.name}' target cannot build a register of {model.size:,} "
                f"{model.kind.value}: about {format_bytes(needed)} for the SDK's objects, but only "
                f"{format_bytes(available)} is available", model.register.span)])

    @abstractmethod
    def emit(self, model: Model, props: PropertySet, inputs: tuple[str, ...] | None) -> Any:
        """The SDK object: the unrolled sequence for ``inputs``, or the unit cells when None."""

    @abstractmethod
    def dump(self, obj: Any) -> str:
        """The CLI text for an emitted object."""

    def report(self, obj: Any) -> dict[str, Any]:
        """Resource counts for ``--report`` (JSON-serialisable)."""
        return {}

    def numeric(self) -> Target:
        """This target configured to emit numeric angles (params at the model's initial values).

        ``compile(..., params=…)`` emits through it from a model whose initial values are
        the given ones. The default suits targets whose output is always numeric.
        """
        return self

    def bind_params(self, obj: Any, values: Mapping[str, float]) -> Any:
        """An emitted object with its symbolic params bound to ``values``, without recompiling.

        The default suits targets whose output is numeric already (nothing to bind).
        """
        return obj

    @classmethod
    def require(cls, module: str) -> Any:
        """Import an SDK module or raise :class:`TargetUnavailableError` with an install hint."""
        import importlib

        try:
            return importlib.import_module(module)
        except ImportError as exc:
            raise TargetUnavailableError([error(
                Code.E0503, f"the '{cls.name}' target needs {module} ({exc}); install it with: {cls.install_hint}")]
            ) from None


@functools.cache
def _registry() -> dict[str, str]:
    from importlib.metadata import entry_points

    table: dict[str, str] = {}
    found = entry_points(group=ENTRY_POINT_GROUP)
    for ep in found:
        if ep.name in table and table[ep.name] != ep.value:
            raise InternalError(f"two targets are registered as '{ep.name}': {table[ep.name]} and {ep.value}")
        table[ep.name] = ep.value
    for name, value in BUILTIN_TARGETS.items():
        table.setdefault(name, value)
    return table


def target_names() -> list[str]:
    return sorted(_registry())


def target_class(name: str) -> type[Target]:
    """Load a target class by name.

    Raises:
        ConfigurationError: No target has that name.
    """
    import importlib

    table = _registry()
    if name not in table:
        raise ConfigurationError(f"unknown target '{name}'; known targets: {', '.join(sorted(table))}")
    module_name, _, attr = table[name].partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    if not (isinstance(cls, type) and issubclass(cls, Target)):
        raise InternalError(f"entry point {name} = {table[name]} is not a Target")
    return cls


def make_target(name: str | Target, **options: Any) -> Target:
    """The target called ``name`` with ``options``, or a copy of a configured target with
    ``options`` changed (so options passed beside a Target are applied, never dropped).

    Raises:
        ConfigurationError: An unknown target or option, or an option's invalid value.
    """
    cls = type(name) if isinstance(name, Target) else target_class(name)
    label = name.name if isinstance(name, Target) else name
    known = {f.name for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigurationError(f"target '{label}' has no option(s) {', '.join(unknown)}; "
                                 f"its options are: {', '.join(sorted(known)) or '(none)'}")
    if isinstance(name, Target):
        return dataclasses.replace(name, **options) if options else name
    return cls(**options)
