"""Package data: ``hrnn.lark``, the grammar of .hrnn files."""
