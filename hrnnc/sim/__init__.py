"""Reference simulators (exact qubit statevector, qumode position grid).

:func:`run_simulation` is the entry point of ``hrnnc.simulate`` and ``hrnnc simulate``;
:mod:`hrnnc.sim.qubit` and :mod:`hrnnc.sim.qumode` hold the engines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from hrnnc.diagnostics import ConfigurationError
from hrnnc.ir import RegisterKind, output_names, split_inputs, unroll
from hrnnc.sim.conventions import DEFAULT_SQUEEZING
from hrnnc.sim.result import OutputDensity, SimulationResult

if TYPE_CHECKING:
    from hrnnc.ir import Model

QUMODE_OPTIONS = ("squeezing", "grid_points", "extent")
"""Options that only qumode models use (ignored for qubits)."""
MOMENT_OPTIONS = ("moments", "observables", "moment_outputs")
"""Options of the exact-moments route for qumodes (:mod:`hrnnc.sim.moments`)."""
_KNOWN = frozenset(QUMODE_OPTIONS) | frozenset(MOMENT_OPTIONS) | {"progress"}


def _bad_option(message: str) -> ConfigurationError:
    return ConfigurationError(message)


def _check_shot_memory(shots: int, outputs: int, kind: RegisterKind) -> None:
    """Refuse (E0601) before sampling when the list of samples itself would not fit in memory.

    A qubit shot is a Python string of ``outputs`` characters (about 49 + outputs bytes) held
    twice while shuffled; a qumode shot is a tuple of ``outputs`` floats (56 + 32·outputs).
    """
    from hrnnc.diagnostics import Code, SimulationError, error
    from hrnnc.sim.memory import available_bytes

    per_shot = 2 * (57 + outputs) if kind is RegisterKind.QUBITS else 2 * (56 + 32 * outputs)
    needed, available = shots * per_shot, available_bytes()
    if needed > available:
        raise SimulationError([error(Code.E0601, f"{shots:,} shots of {outputs} outputs need about "
                                     f"{needed:,} bytes for the samples alone, but only {available:,} bytes "
                                     "are available; sample fewer shots")])


def run_simulation(
    model: Model,
    tokens: str | Iterable[str],
    shots: int | None = None,
    seed: int | None = None,
    params: Mapping[str, float] | None = None,
    **options: Any,
) -> SimulationResult:
    """Simulate one input sequence, dispatching on the register kind.

    Args:
        model: A checked model (the semantic passes must have passed).
        tokens: Input tokens (a string is split on whitespace).
        shots: Number of shots to sample; None gives the exact result (qubits: the output
            distribution; qumodes: a density table per output).
        seed: Seed of the sampler (numpy ``default_rng``); only with ``shots`` (ConfigurationError otherwise).
        params: Param values overriding the initial values.
        options: ``progress`` (bool, default True: a bar on stderr, only on a terminal);
            for qumodes ``squeezing`` (r, default :data:`DEFAULT_SQUEEZING`),
            ``grid_points`` (per mode) and ``extent`` (half-width of the position grid);
            exact moments (:mod:`hrnnc.sim.moments`): ``moments`` (order m), ``observables``
            (texts of q/p polynomials), ``moment_outputs`` (output indices of the joint
            moments). Options set to None take their defaults; qumode options are ignored
            for qubits. A qumode run without shots whose grid would not fit in memory gets
            exact means and covariances instead (the result's ``note`` says so).

    Returns:
        A :class:`SimulationResult`, or a :class:`hrnnc.sim.moments.Moments` on the moments route.

    Raises:
        ParseFailedError: An input token has no ``on`` block (E0218).
        SimulationError: The model does not fit in memory (E0601).
        ConfigurationError: An unknown or invalid option.
    """
    unknown = sorted(set(options) - _KNOWN)
    if unknown:
        raise _bad_option(f"unknown simulator option(s): {', '.join(unknown)}")
    if shots is not None and shots < 0:
        raise _bad_option("shots must be non-negative")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise _bad_option(f"seed must be a non-negative integer, not {seed!r}")
    if seed is not None and not shots:
        raise _bad_option("a seed applies only with shots: the exact result involves no randomness "
                          "(add shots, or drop the seed)")
    opts = {k: v for k, v in options.items() if v is not None}
    progress = bool(opts.pop("progress", True))
    moment_opts = {k: opts.pop(k) for k in MOMENT_OPTIONS if k in opts}
    if moment_opts or (model.kind is RegisterKind.QUMODES and shots is None and not _grid_fits(model, opts)):
        if shots is not None:
            raise _bad_option("exact moments (--moments) and sampling (--shots) exclude each other")
        return _run_moments(model, tokens, params, opts, moment_opts)
    toks = split_inputs(tokens)
    outputs = tuple(output_names(unroll(model, toks)))
    if shots:
        _check_shot_memory(shots, len(outputs), model.kind)
    if model.kind is RegisterKind.QUBITS:
        result = _run_qubits(model, toks, outputs, shots, seed, params, progress)
    else:
        result = _run_qumodes(model, toks, outputs, shots, seed, params, progress, opts)
    _require_finite(result)
    return result


def _require_finite(result: SimulationResult) -> None:
    """E0602 rather than a table of ``nan`` (and ``NaN`` in JSON, which is not JSON)."""
    import math

    from hrnnc.diagnostics import Code, SimulationError, error

    numbers: list[float] = list((result.distribution or {}).values())
    for d in result.densities or ():
        numbers += [d.mean, d.std, *d.values, *d.density]
    for sample in result.samples or ():
        if not isinstance(sample, str):
            numbers += [float(v) for v in sample]
    if not all(math.isfinite(v) for v in numbers):
        raise SimulationError([error(Code.E0602, "the simulation produced values that are not finite numbers: "
                                     "an angle or weight is too large for the grid or the float range; "
                                     "use smaller values")])


def _grid_fits(model: Model, opts: Mapping[str, Any]) -> bool:
    """Whether the qumode grid simulator's working set fits in the memory available now."""
    from hrnnc.sim.memory import available_bytes
    from hrnnc.sim.qumode import WORKING_COPIES

    points = int(opts.get("grid_points", 128))
    return WORKING_COPIES * 16 * points ** model.size <= available_bytes()


def _run_moments(model: Model, toks: Any, params: Mapping[str, float] | None,
                 opts: Mapping[str, Any], moment_opts: Mapping[str, Any]) -> Any:
    """Exact moments in the Heisenberg picture (explicitly asked for, or because the grid would not fit)."""
    from dataclasses import replace

    from hrnnc.sim.memory import available_bytes, format_bytes
    from hrnnc.sim.moments import observable_value, output_moments

    order = moment_opts.get("moments", 2)
    squeezing = opts.get("squeezing", DEFAULT_SQUEEZING)
    result = output_moments(model, toks, order, squeezing=squeezing, params=params,
                            outputs=moment_opts.get("moment_outputs"))
    values = [(text, observable_value(model, toks, text, squeezing=squeezing, params=params)[0])
              for text in moment_opts.get("observables", ())]
    result = result.with_observables(values)
    if "moments" not in moment_opts and model.kind is RegisterKind.QUMODES:
        points = int(opts.get("grid_points", 128))
        result = replace(result, note=f"the position grid for {model.size} modes ({points}^{model.size} points) "
                         f"does not fit in the {format_bytes(available_bytes())} available; computed exact means "
                         "and covariances in the Heisenberg picture instead (--moments M for higher orders; "
                         "--shots needs the grid)")
    return result


def _run_qubits(model: Model, toks: tuple[str, ...], outputs: tuple[str, ...], shots: int | None,
                seed: int | None, params: Mapping[str, float] | None, progress: bool) -> SimulationResult:
    from hrnnc.sim import qubit

    base: dict[str, Any] = dict(model=model.name, kind="qubits", inputs=toks, outputs=outputs)
    if shots is None:
        dist = qubit.exact_distribution(model, toks, params, progress=progress)
        return SimulationResult(**base, distribution=dist)
    samples = qubit.sample(model, toks, shots, seed, params, progress=progress)
    return SimulationResult(**base, shots=shots, seed=seed, samples=tuple(samples))


def _run_qumodes(model: Model, toks: tuple[str, ...], outputs: tuple[str, ...], shots: int | None,
                 seed: int | None, params: Mapping[str, float] | None, progress: bool,
                 opts: dict[str, Any]) -> SimulationResult:
    from hrnnc.sim import qumode
    from hrnnc.sim.cvgrid import check_squeezing

    try:
        squeezing = check_squeezing(opts.get("squeezing", DEFAULT_SQUEEZING))
        grid = qumode.Grid.for_squeezing(squeezing, points=int(opts["grid_points"]) if "grid_points" in opts
                                         else None, extent=opts.get("extent"))
    except (TypeError, ValueError) as exc:
        raise _bad_option(f"invalid qumode option: {exc}") from None
    used = {"squeezing": squeezing, "grid_points": grid.points, "extent": grid.extent}
    base: dict[str, Any] = dict(model=model.name, kind="qumodes", inputs=toks, outputs=outputs, options=used)
    if shots is None:
        cond, dens = qumode.output_densities(model, toks, squeezing=squeezing, grid=grid, params=params)
        return SimulationResult(**base, densities=tuple(dens), conditioned_on=tuple(cond))
    samples = qumode.sample(model, toks, shots, seed, squeezing=squeezing, grid=grid, params=params,
                            progress=progress)
    return SimulationResult(**base, shots=shots, seed=seed, samples=tuple(tuple(float(v) for v in row) for row in samples))


__all__ = ["DEFAULT_SQUEEZING", "MOMENT_OPTIONS", "OutputDensity", "QUMODE_OPTIONS", "SimulationResult",
           "run_simulation"]
