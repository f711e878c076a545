"""The ``hrnnc`` command: argument parsing and rendering only; the work is in :mod:`hrnnc.api`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence

from hrnnc import __version__
from hrnnc.diagnostics import (
    Code,
    ConfigurationError,
    Diagnostic,
    HrnncError,
    Severity,
    error,
    render,
    render_github,
    sort_key,
)

if TYPE_CHECKING:
    from hrnnc.ir import Model

EXIT_OK, EXIT_DIAGNOSTICS, EXIT_USAGE = 0, 1, 2

# Options the CLI owns for every target; a target takes them through a dataclass field of the same name.
COMMON_TARGET_OPTIONS = ("measure", "squeezing", "bind")


class UsageError(Exception):
    """A mistake in how the command was called (exit 2)."""


# -- output helpers --------------------------------------------------------------------------


def write_atomic(path: str, text: str | bytes) -> None:
    """Write ``text`` (or bytes, for pictures) to ``path`` safely: atomic, symlinks followed, mode kept,
    devices and FIFOs written through (see :mod:`hrnnc.outfile`).

    Raises:
        HrnncError: The path cannot be written (E0004); nothing is left behind.
    """
    from hrnnc.outfile import write_file

    write_file(path, text)


def emit_text(text: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        write_atomic(output, text if text.endswith("\n") else text + "\n")


def print_diagnostics(diags: Sequence[Diagnostic], origin: str | None = None) -> None:
    for diag in sorted(diags, key=sort_key):
        named = origin is not None and diag.code is not Code.E0004 and origin not in diag.message
        print(render(diag, origin if named else None), file=sys.stderr)
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diags if d.severity is Severity.WARNING)
    if errors or warnings:
        parts = [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
        parts += [f"{warnings} warning{'s' if warnings != 1 else ''}"] if warnings else []
        print(", ".join(parts) + " emitted", file=sys.stderr)


def add_param_options(parser: argparse.ArgumentParser) -> None:
    """``--param NAME=VALUE`` (repeatable) and ``--params P.json``, for every command that runs or
    compiles a model."""
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="set a param's value (repeatable; overrides --params and the file)")
    parser.add_argument("--params", action="append", default=[], metavar="P.json",
                        help="param values from a JSON object {name: number} (repeatable, later files win)")


def param_values(args: argparse.Namespace) -> dict[str, float] | None:
    """The values of :func:`add_param_options`, or None when none were given (E0702–E0704 on bad ones;
    names are checked against the model by the API, E0701)."""
    from hrnnc.params import combine_params

    return combine_params(args.params, args.param)


def load(path: str) -> Model:
    """Read and parse one file; raises ParseFailedError with its diagnostics."""
    from hrnnc.frontend import parse_file

    return parse_file(path)


# -- commands --------------------------------------------------------------------------------


def _closure_json(report: Any) -> Any:
    from hrnnc.passes.base import PropertyKey

    key: PropertyKey[Any] | None = _closure_key()
    if report is None or key is None or key not in report.properties:
        return None
    return report.properties[key].to_json()


def _closure_key() -> Any:
    try:
        from hrnnc.passes.analysis.lie_closure import CLOSURE
    except ImportError:
        return None
    return CLOSURE


def cmd_check(args: argparse.Namespace) -> int:
    from hrnnc.api import check

    options: dict[str, Any] = {}
    for name in ("max_dim", "time_budget"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    if args.basis:
        options["basis"] = True
    results: list[dict[str, Any]] = []
    failed = False
    for path in args.files:
        report, diagnostics = None, []
        try:
            model = load(path)
            report = check(model, strict=args.strict, **options)
            diagnostics = list(report.diagnostics)
        except HrnncError as exc:
            diagnostics = list(exc.diagnostics)
        ok = not any(d.is_error for d in diagnostics)
        failed |= not ok
        name = "<stdin>" if path == "-" else path
        closure = _closure_json(report)
        if args.format == "json":
            results.append({"file": name, "ok": ok, "diagnostics": [d.to_json() for d in diagnostics],
                            "closure": closure})
        elif args.format == "github":
            for diag in sorted(diagnostics, key=sort_key):
                print(render_github(diag))
        else:
            print_diagnostics(diagnostics)
            summary = f"{name}: {'ok' if ok else 'failed'}"
            if report is not None and closure is not None:
                summary += f"; {report.properties[_closure_key()].summary()}"
            print(summary)
            if args.basis and report is not None and closure is not None:
                for element in report.properties[_closure_key()].basis or ():
                    print(f"  {element}")
    if args.format == "json":
        print(json.dumps(results, indent=2))
    return EXIT_DIAGNOSTICS if failed else EXIT_OK


def cmd_fmt(args: argparse.Namespace) -> int:
    """Print, check (``--check``) or rewrite (``--write``) each file; exit 1 if any fails or differs."""
    if len(args.files) > 1 and not (args.check or args.write):
        raise UsageError("printing takes one file; use --check or --write for several")
    if args.files.count("-") > 1 or ("-" in args.files and len(args.files) > 1 and args.write):
        raise UsageError("standard input ('-') can be given once, and not with --write")
    status = EXIT_OK
    for path in args.files:
        try:
            status = max(status, _fmt_one(path, args))
        except HrnncError as exc:  # one unwritable file does not stop the others
            print_diagnostics(exc.diagnostics)
            status = EXIT_DIAGNOSTICS
    return status


def _fmt_one(path: str, args: argparse.Namespace) -> int:
    from hrnnc.frontend import parse_source, read_source
    from hrnnc.frontend.comments import attach_comments, count_comments
    from hrnnc.ir import print_model

    source, diagnostics = read_source(path)
    model = None
    if not diagnostics:
        model, diagnostics = parse_source(source)
    if model is None:
        print_diagnostics(diagnostics)
        return EXIT_DIAGNOSTICS
    formatted = print_model(model, attach_comments(model, source))
    if args.check:
        if formatted != source.text:
            fix = "'hrnnc fmt - > FILE'" if path == "-" else f"'hrnnc fmt --write {path}'"
            print(f"{source.name}: not in canonical form (run {fix})", file=sys.stderr)
            return EXIT_DIAGNOSTICS
        return EXIT_OK
    if args.write:
        if path == "-":
            raise UsageError("--write needs a file, not standard input")
        if count_comments(formatted) != count_comments(source.text):
            print_diagnostics([error(Code.E0005, f"{source.name}: formatting would lose a comment; "
                                     "the file was left as it is")])
            return EXIT_DIAGNOSTICS
        if formatted != source.text:
            write_atomic(path, formatted)
        return EXIT_OK
    sys.stdout.write(formatted)
    return EXIT_OK


def cmd_ir(args: argparse.Namespace) -> int:
    from hrnnc.ir import to_json

    model = load(args.file)
    emit_text(to_json(model), args.output)
    return EXIT_OK


def cmd_targets(args: argparse.Namespace) -> int:
    from hrnnc.targets import target_class, target_names

    for name in target_names():
        try:
            cls = target_class(name)
            kinds = ", ".join(sorted(k.value for k in cls.register_kinds))
            print(f"{name:8} {cls.description} [{kinds}]")
        except Exception as exc:  # a broken plugin must not hide the others
            print(f"{name:8} (cannot be loaded: {exc})")
    return EXIT_OK


def cmd_compile(args: argparse.Namespace, owners: dict[str, str]) -> int:
    from hrnnc.api import compile
    from hrnnc.targets import target_class

    cls = target_class(args.target)
    field_names = {f.name for f in __import__("dataclasses").fields(cls)}
    for dest, owner in owners.items():
        if owner != args.target and getattr(args, dest, None) not in (None, False):
            raise UsageError(f"--{dest.replace('_', '-')} is an option of the '{owner}' target, "
                             f"not of '{args.target}'")
    for dest in COMMON_TARGET_OPTIONS:
        if getattr(args, dest, None) is not None and dest not in field_names:
            raise UsageError(f"--{dest} does not apply to the '{args.target}' target")
    target = cls.from_arguments(args)
    model = load(args.file)
    obj = compile(model, target=target, inputs=args.input, params=param_values(args))
    if isinstance(obj, dict) and is_folder(args.output):
        write_cells(target, obj, args.output)
    else:
        emit_text(target.dump(obj), args.output)
    if args.report:
        stream = sys.stdout if args.output not in (None, "-") else sys.stderr
        report = target.report(obj)
        if args.report == "json":
            print(json.dumps(report, indent=2), file=stream)
        else:
            print(render_report(report), file=stream)
    return EXIT_OK


def is_folder(output: str | None) -> bool:
    """``-o DIR/`` (a trailing separator) or an existing folder: one file per unit cell."""
    return output is not None and (output.endswith(("/", os.sep)) or os.path.isdir(output))


def write_cells(target: Any, cells: dict[str, Any], folder: str) -> None:
    """Write each unit cell as a complete program, ``FOLDER/<token><suffix>``.

    Each file is what the target writes for one program, so the SDK's own reader loads it
    (``qiskit.qasm3.load``, ``sf.load``, ``pytket``'s ``Circuit.from_dict``).

    Raises:
        HrnncError: Two tokens differ only in case (E0509), or a file cannot be written
            (E0004); the files this call wrote are removed again.
    """
    names = {token: f"{token}{target.default_suffix}" for token in cells}
    seen: dict[str, str] = {}
    for token, name in names.items():
        other = seen.setdefault(name.casefold(), token)
        if other != token:
            raise HrnncError([error(Code.E0509, f"tokens '{other}' and '{token}' would both be written to "
                                                f"{os.path.join(folder, name)} on a case-insensitive file system; "
                                                "write the cells to one file (omit the trailing '/')")])
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise HrnncError([error(Code.E0004, f"cannot create {folder}: {exc.strerror or exc}")]) from None
    written: list[str] = []
    try:
        for token, cell in cells.items():
            path = os.path.join(folder, names[token])
            emit_text(target.dump(cell), path)
            written.append(path)
    except BaseException:
        for path in written:
            try:
                os.unlink(path)
            except OSError:
                pass
        raise


def render_report(report: dict[str, Any], indent: str = "") -> str:
    """A resource report as aligned ``key: value`` lines (nested dicts indented)."""
    lines = []
    for key, value in report.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:")
            lines.append(render_report(value, indent + "  "))
        else:
            lines.append(f"{indent}{key}: {value}")
    return "\n".join(line for line in lines if line)


def cmd_simulate(args: argparse.Namespace) -> int:
    from hrnnc.api import simulate

    options = {name: getattr(args, name) for name in ("squeezing", "grid_points", "extent", "moments",
                                                      "observables", "moment_outputs")
               if getattr(args, name) is not None}
    if args.format == "jsonl" and not args.shots:
        raise UsageError("--format jsonl writes sampled data: give --shots N")
    if args.plot is not None:  # a bad picture name or a missing matplotlib fails before the run
        from hrnnc.plot import picture_format, require_matplotlib

        picture_format(args.plot)
        require_matplotlib()
    model = load(args.file)
    result = simulate(model, args.input, shots=args.shots, seed=args.seed, params=param_values(args), **options)
    if getattr(result, "note", None):
        print(f"hrnnc: note: {result.note}", file=sys.stderr)
    if not hasattr(result, "samples"):  # exact qumode moments (asked for, or the grid would not fit)
        if args.format == "jsonl":
            raise UsageError("--format jsonl writes sampled data, which exact moments are not")
        if args.plot is not None:
            raise UsageError("--plot draws distributions, densities or samples; exact moments have no picture")
    if args.format == "jsonl":
        from hrnnc.data import records_jsonl

        emit_text("\n".join(records_jsonl(model, result.inputs, result.samples)), args.output)
    elif args.format == "json":
        emit_text(json.dumps(result.to_json(), indent=2), args.output)
    else:
        emit_text(result.to_text(), args.output)
    if args.plot is not None:
        write_plot(result, args.plot)
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from hrnnc.api import _require_clean
    from hrnnc.data import load_data
    from hrnnc.params import params_json
    from hrnnc.train.loop import TrainOptions, fit
    from hrnnc.train.losses import Kernel
    from hrnnc.train.report import trainability

    model = load(args.file)
    kernel = Kernel(args.kernel or ("polynomial" if model.kind.value == "qumodes" else "gaussian"),
                    args.bandwidth, args.degree)
    grid = {"squeezing": args.squeezing, "grid_points": args.grid_points, "extent": args.extent}
    options = TrainOptions(args.loss, args.epochs, args.batch, args.lr, args.seed, args.validation, args.patience,
                           kernel, **grid)
    _require_clean(model)
    data = load_data(args.data, model)
    if args.report:
        report = trainability(model, data, args.samples, args.seed, args.loss, kernel, **grid)
        text = json.dumps(report.to_json(), indent=2) if args.report == "json" else report.to_text()
        emit_text(text, None)
        return EXIT_OK
    log_lines: list[str] = []
    try:
        result = fit(model, data, options, param_values(args), progress=True,
                     on_epoch=lambda e: log_lines.append(json.dumps(e.to_json())))
        failure = None
    except HrnncError as exc:
        result = getattr(exc, "result", None)
        if result is None:
            raise
        failure = exc
    if args.output:
        write_atomic(args.output, result.text())
    if args.params_out:
        write_atomic(args.params_out, params_json(result.params))
    if args.log:
        write_atomic(args.log, "".join(line + "\n" for line in log_lines))
    print(f"loss ({options.loss}, {'validation' if options.validation else 'training'}): "
          f"{result.initial_loss:.8g} at the initial params, {result.best_loss:.8g} at epoch {result.best_epoch} "
          f"of {len(result.history)} ({result.stopped})")
    for name, value in result.params.items():
        print(f"  {name} = {value!r}")
    print_diagnostics(result.diagnostics if failure is None else failure.diagnostics)
    if failure is not None:
        return EXIT_DIAGNOSTICS
    return 130 if result.stopped == "interrupted" else EXIT_OK


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError("must be in [0, 1)")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not (value > 0 and value < float("inf")):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def cmd_draw(args: argparse.Namespace) -> int:
    """Draw the hypergraphs of a model's cells (or steps), or with ``--target`` the compiled circuit."""
    from hrnnc.ir import split_inputs
    from hrnnc.plot import MAX_PANELS, draw_circuits, draw_model, picture_format, require_matplotlib, tket_html
    from hrnnc.plot import render as render_picture

    output = args.output or os.path.splitext(os.path.basename(args.file if args.file != "-" else "model"))[0] + ".png"
    fmt = picture_format(output, (".html",) if args.target == "tket" else ())
    if fmt != "html":
        require_matplotlib()
    model = load(args.file)
    params = param_values(args)
    notes: list[Diagnostic] = []
    figure = None
    if args.target is not None:
        from hrnnc.api import compile

        options = {"measure": args.measure} if args.measure else {}
        compiled = compile(model, target=args.target, inputs=args.input, params=params, **options)
        if fmt == "html":
            write_atomic(output, tket_html(compiled))
            return EXIT_OK
        figure, found = draw_circuits(compiled, args.target)
        notes.extend(found)
    if figure is None:
        figure = draw_model(model, args.input, params)
        steps = len(split_inputs(args.input)) if args.input is not None else 0
        if steps > MAX_PANELS:
            notes.append(Diagnostic(Code.W0902, f"the input has {steps} tokens; the picture shows the first "
                                                f"{MAX_PANELS} steps", severity=Severity.WARNING))
    print_diagnostics(notes)
    write_atomic(output, render_picture(figure, fmt))
    if args.output is None:
        print(f"hrnnc: wrote {output}", file=sys.stderr)
    return EXIT_OK


def write_plot(result: Any, path: str) -> None:
    """``simulate --plot``: the output distribution or densities as a PNG or SVG picture."""
    from hrnnc.plot import picture_format, plot_result
    from hrnnc.plot import render as render_picture

    write_atomic(path, render_picture(plot_result(result), picture_format(path)))


# -- parser ----------------------------------------------------------------------------------


def _natural_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a non-negative integer")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError("must be a finite number")
    return value


def _index_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("must be comma-separated output indices such as 0,2,5") from None
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError("must be comma-separated non-negative output indices")
    return values


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def build_parser(with_targets: bool = True) -> tuple[argparse.ArgumentParser, dict[str, str]]:
    """The argument parser, and for each target-specific option its owning target.

    ``with_targets=False`` leaves out the targets' own ``compile`` options: loading a target
    imports its lowering (numpy, …), which ``hrnnc --help`` or ``hrnnc check`` do not need.
    """
    from hrnnc.targets import target_class, target_names

    parser = argparse.ArgumentParser(
        prog="hrnnc", description="Compile k-hypergraph recurrent neural networks (.hrnn) to quantum circuits.")
    parser.add_argument("--version", action="version", version=f"hrnnc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("check", help="check models: syntax, semantics, degree bound, Lie closure")
    p.add_argument("files", nargs="+", metavar="FILE", help="model files ('-' for standard input)")
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--strict", action="store_true", help="fail when trainability is not certified")
    p.add_argument("--max-dim", type=_positive_int, help="dimension cap of the Lie closure (default 20000)")
    p.add_argument("--time-budget", type=_positive_float, help="seconds the Lie closure may take (default 10)")
    p.add_argument("--basis", action="store_true", help="print a basis of the dynamical Lie algebra")

    p = sub.add_parser("fmt", help="print a model in canonical form (or check / rewrite several)")
    p.add_argument("files", nargs="+", metavar="FILE", help="model files ('-' for standard input)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="report every file not in canonical form; exit 1 if any differs")
    mode.add_argument("--write", action="store_true", help="rewrite each file in place (atomically)")

    p = sub.add_parser("ir", help="print the IR of a model as JSON")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", metavar="OUT")

    names = target_names()
    p = sub.add_parser("compile", help="compile a model for a target SDK")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--target", "-t", required=True, choices=names)
    p.add_argument("--input", "-i", metavar="TOKENS", help="input sequence (space-separated tokens); "
                   "without it, one unit cell per token")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (written atomically); default stdout. "
                   "Without --input, 'DIR/' writes one file per token (DIR/TOKEN.qasm, .json, .xbb)")
    p.add_argument("--report", nargs="?", const="text", choices=("text", "json"),
                   help="print resource counts (to stdout with -o, else to stderr)")
    p.add_argument("--measure", choices=("inplace", "ancilla"), default=None,
                   help="qubit stabilizer lowering (default inplace)")
    p.add_argument("--no-optimize", dest="optimize", action="store_const", const=False, default=None,
                   help="emit the cell-by-cell lowering (no merging across cells, no frame "
                        "cancellation, no layer scheduling)")
    p.add_argument("--squeezing", type=_finite_float, default=None, metavar="R", help="qumode momentum squeezing r")
    p.add_argument("--bind", action="store_const", const=True, default=None,
                   help="substitute the params' initial values (else they stay free: OpenQASM 3 inputs, "
                        "pytket symbols, Blackbird {params}); --param/--params bind to the values given")
    add_param_options(p)
    owners: dict[str, str] = {}
    for name in names if with_targets else ():
        try:
            cls = target_class(name)
        except Exception:  # a target that cannot load is reported when it is chosen
            continue
        group = p.add_argument_group(f"{name} target options")
        before = {a.dest for a in p._actions}
        cls.add_arguments(group)
        for action in p._actions:
            if action.dest not in before:
                owners[action.dest] = name

    p = sub.add_parser("simulate", help="run the reference simulator on one input sequence")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--input", "-i", required=True, metavar="TOKENS", help="input sequence (space-separated)")
    p.add_argument("--shots", type=_positive_int, help="sample this many shots instead of the exact distribution")
    p.add_argument("--seed", type=_natural_int, help="seed for sampling (a non-negative integer)")
    p.add_argument("--format", choices=("text", "json", "jsonl"), default="text",
                   help="jsonl: one sampled sequence a line, the data format of 'hrnnc train' (needs --shots)")
    p.add_argument("-o", "--output", metavar="OUT")
    p.add_argument("--squeezing", type=_finite_float, metavar="R", help="qumode momentum squeezing r")
    p.add_argument("--grid-points", type=_positive_int, metavar="P", help="qumode grid points per mode")
    p.add_argument("--extent", type=_finite_float, metavar="X", help="qumode grid half-width")
    p.add_argument("--moments", type=_positive_int, metavar="M",
                   help="qumodes: exact means, covariance and joint moments up to order M (Heisenberg picture)")
    p.add_argument("--observable", dest="observables", action="append", metavar="O",
                   help="qumodes: also <O> after the run, O a q/p polynomial such as 'q0*p1 + p0^2' (repeatable)")
    p.add_argument("--moment-outputs", type=_index_list, metavar="I,J,…",
                   help="qumodes: output indices (from 0) the joint moments of order ≥ 3 range over")
    p.add_argument("--plot", metavar="FILE.png|svg", help="also draw the output distribution (qubits) or "
                   "densities / histograms (qumodes); needs hrnnc[plot]")
    add_param_options(p)

    p = sub.add_parser("draw", help="draw the hypergraph of each cell, or with --target the compiled circuit")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--input", "-i", metavar="TOKENS", help="draw one panel per step of this input "
                   "(default: one panel per 'on' block)")
    p.add_argument("--target", "-t", choices=names, help="draw the compiled circuit with that SDK's drawer")
    p.add_argument("--measure", choices=("inplace", "ancilla"), default=None,
                   help="qubit stabilizer lowering for --target")
    p.add_argument("-o", "--output", metavar="FILE.png|svg", help="picture file (default: MODEL.png here); "
                   "with --target tket also FILE.html")
    add_param_options(p)

    p = sub.add_parser("train", help="fit a model's params to sequence data (JSON Lines) with exact gradients")
    p.add_argument("file", metavar="MODEL", help="the model (.hrnn)")
    p.add_argument("data", metavar="DATA", help="JSON Lines, one sequence a line (see docs/training.md)")
    p.add_argument("--loss", choices=("nll", "mmd"), default="nll", help="negative log-likelihood (default) or MMD")
    p.add_argument("--epochs", type=_positive_int, default=100)
    p.add_argument("--batch", type=_positive_int, default=None, help="sequences per minibatch (default: all)")
    p.add_argument("--lr", type=_positive_float, default=0.05, help="Adam learning rate (default 0.05)")
    p.add_argument("--seed", type=_natural_int, default=0, help="seed of the validation split and shuffling")
    p.add_argument("--validation", type=_fraction, default=0.2, help="held-out fraction (default 0.2)")
    p.add_argument("--patience", type=_natural_int, default=20, help="epochs without improvement before "
                   "stopping (0: never; default 20)")
    p.add_argument("--kernel", choices=("gaussian", "polynomial"), default=None,
                   help="MMD kernel (default: gaussian for qubits, polynomial for qumodes)")
    p.add_argument("--bandwidth", type=_positive_float, default=1.0, help="gaussian kernel width sigma")
    p.add_argument("--degree", type=_positive_int, default=2, help="polynomial kernel degree d")
    p.add_argument("-o", "--output", metavar="TRAINED.hrnn", help="the model file with the trained param values "
                   "(comments and layout kept)")
    p.add_argument("--params-out", metavar="P.json", help="the trained params as JSON")
    p.add_argument("--log", metavar="L.jsonl", help="one JSON line per epoch (losses, gradient norm, params)")
    p.add_argument("--report", nargs="?", const="text", choices=("text", "json"),
                   help="print a trainability report (gradient statistics over random initialisations) "
                        "instead of training")
    p.add_argument("--samples", type=_positive_int, default=20, help="initialisations of --report (default 20)")
    p.add_argument("--squeezing", type=_finite_float, metavar="R", help="qumode momentum squeezing r (as simulate)")
    p.add_argument("--grid-points", type=_positive_int, metavar="P", help="qumode NLL: grid points per mode "
                   "(default 128)")
    p.add_argument("--extent", type=_finite_float, metavar="X", help="qumode NLL: grid half-width (default: from "
                   "the squeezing)")
    add_param_options(p)

    from hrnnc.experiments.cli import add_parsers as add_experiment_parsers

    add_experiment_parsers(sub, _natural_int, _positive_int)

    sub.add_parser("targets", help="list the available targets")
    return parser, owners


def _experiments_cli() -> Any:
    from hrnnc.experiments import cli

    return cli


EXIT_INTERNAL = 3
"""A bug in hrnnc itself (never a user mistake): a short "please report" line, no traceback."""

def _internal_error(exc: BaseException) -> int:
    import traceback

    if os.environ.get("HRNNC_TRACEBACK"):
        traceback.print_exception(exc, file=sys.stderr)
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
    print(f"hrnnc: internal error: {type(exc).__name__}: {str(exc)[:300]}{place}\n"
          f"hrnnc: this is a bug in hrnnc, not in your model; please report it with the command "
          "and the input (set HRNNC_TRACEBACK=1 for the traceback)", file=sys.stderr)
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    from hrnnc.outfile import prepare_standard_streams

    saved = sys.stdout, sys.stderr
    stdout = prepare_standard_streams()
    try:
        code = _run(argv)
        stdout.flush()
        return code
    except HrnncError as exc:  # standard output itself failed (/dev/full)
        print_diagnostics(exc.diagnostics)
        return EXIT_DIAGNOSTICS
    finally:
        sys.stdout, sys.stderr = saved


def _run(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser, owners = build_parser(with_targets="compile" in words)
    args = parser.parse_args(argv)
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "check": cmd_check, "fmt": cmd_fmt, "ir": cmd_ir, "targets": cmd_targets, "simulate": cmd_simulate,
        "compile": lambda a: cmd_compile(a, owners), "train": cmd_train,
    }
    commands["draw"] = cmd_draw
    commands["task"] = lambda a: _experiments_cli().cmd_task(a, write_atomic)
    commands["experiment"] = lambda a: _experiments_cli().cmd_experiment(a, write_atomic)
    try:
        return commands[args.command](args)
    except (UsageError, ConfigurationError) as exc:
        parser.print_usage(sys.stderr)
        message = "\n".join(d.message for d in exc.diagnostics) if isinstance(exc, HrnncError) else str(exc)
        print(f"hrnnc: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except HrnncError as exc:
        print_diagnostics(exc.diagnostics, origin=_origin(args))
        return EXIT_DIAGNOSTICS
    except KeyboardInterrupt:
        print("hrnnc: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place a bug becomes exit 3 instead of a traceback
        return _internal_error(exc)


def _origin(args: argparse.Namespace) -> str | None:
    """The file a command worked on, named in diagnostics that have no source span (E0218, E0601)."""
    path = getattr(args, "file", None)
    return None if path is None else ("<stdin>" if path == "-" else path)


if __name__ == "__main__":
    raise SystemExit(main())
