"""Training: exact losses and gradients of a model's params on sequence data (DESIGN §9)."""
