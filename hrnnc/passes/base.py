"""Pass types and the property set, after Qiskit's transpiler contract in xDSL's frozen form."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Iterator, TypeVar

from hrnnc.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from typing import Union

    from hrnnc.ir import Model
    from hrnnc.lowered import LoweredRun

    Program = Union[Model, LoweredRun]
    """What passes run on: the model, or (optimisation passes) its lowered run."""

T = TypeVar("T")


class PropertyKey(Generic[T]):
    """A typed key into a :class:`PropertySet`; each analysis defines its keys in its own module."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"PropertyKey({self.name!r})"


class PropertySet:
    """Results of analyses, keyed by :class:`PropertyKey`, plus the diagnostics sink."""

    def __init__(self) -> None:
        self._values: dict[PropertyKey[Any], Any] = {}
        self.diagnostics: list[Diagnostic] = []
        self.valid: set[type[Pass]] = set()
        """Analyses whose results are still valid for the current model."""

    def __getitem__(self, key: PropertyKey[T]) -> T:
        return self._values[key]  # type: ignore[no-any-return]

    def __setitem__(self, key: PropertyKey[T], value: T) -> None:
        self._values[key] = value

    def __contains__(self, key: PropertyKey[Any]) -> bool:
        return key in self._values

    def get(self, key: PropertyKey[T], default: T | None = None) -> T | None:
        return self._values.get(key, default)  # type: ignore[no-any-return]

    def keys(self) -> Iterator[PropertyKey[Any]]:
        return iter(self._values)

    def report(self, diag: Diagnostic) -> None:
        self.diagnostics.append(diag)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass(frozen=True)
class Pass(ABC):
    """A unit of work on a model. Fields are options (``name{field=value}`` on the CLI)."""

    name: ClassVar[str]
    """Kebab-case name; the module is its snake_case."""
    requires: ClassVar[tuple[type[AnalysisPass], ...]] = ()
    """Analyses run (if not valid) before this pass."""


@dataclass(frozen=True)
class AnalysisPass(Pass):
    """Reads the model; writes the property set and reports diagnostics; never changes the model."""

    @abstractmethod
    def run(self, model: Model, props: PropertySet) -> None: ...


@dataclass(frozen=True)
class TransformPass(Pass):
    """Returns a new model; must not write the property set except for diagnostics.

    Optimisation passes (``hrnnc/passes/transform/``) take and return a
    :class:`~hrnnc.lowered.LoweredRun` instead; the manager checks that a transform returns
    what it was given.
    """

    preserves: ClassVar[tuple[type[AnalysisPass], ...]] = ()
    """Analyses whose results stay valid after this pass; the rest are invalidated."""

    @abstractmethod
    def run(self, model: Model, props: PropertySet) -> Model: ...
