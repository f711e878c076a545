"""The hrnnc IR: frozen model nodes, expressions, printer, JSON and bindings."""

from __future__ import annotations

from hrnnc.ir.bind import (
    Bindings,
    InputItem,
    Step,
    float_bindings,
    initial_param_values,
    output_names,
    param_values,
    split_inputs,
    unroll,
    unroll_steps,
)
from hrnnc.ir.expr import (
    BUILTIN_CONSTANTS,
    FLOAT,
    FUNCTIONS,
    MAX_EXPR_DEPTH,
    Arithmetic,
    BinOp,
    Call,
    EvaluationError,
    Expr,
    Name,
    Neg,
    Num,
    evaluate,
    names_in,
)
from hrnnc.ir.nodes import (
    Arg,
    Basis,
    Cell,
    Const,
    Declaration,
    Degree,
    Hyperedge,
    Measure,
    MeasureStab,
    Model,
    Param,
    Phase,
    Register,
    RegisterKind,
    Reset,
    Shift,
    Site,
    StabEdge,
    Statement,
    Token,
)
from hrnnc.ir.printer import format_number, print_expr, print_model, print_statement
from hrnnc.ir.serialize import from_dict, from_json, to_dict, to_json

__all__ = [
    "BUILTIN_CONSTANTS", "FLOAT", "FUNCTIONS", "MAX_EXPR_DEPTH", "Arg", "Arithmetic", "Basis", "BinOp", "Bindings",
    "Call", "Cell", "InputItem", "Step", "Const", "Declaration", "Degree", "Hyperedge", "EvaluationError", "Expr", "Measure", "MeasureStab",
    "Model", "Name", "Neg", "Num", "Param", "Phase", "Register", "RegisterKind", "Reset", "Shift", "Site",
    "StabEdge", "Statement", "Token", "evaluate", "float_bindings", "format_number", "from_dict", "from_json",
    "initial_param_values", "names_in", "output_names", "param_values", "print_expr", "print_model", "print_statement",
    "split_inputs", "to_dict", "to_json", "unroll", "unroll_steps",
]
