"""ARM route handlers, one module per area."""
