"""Reference simulators (exact qubit statevector, qumode position grid)."""
