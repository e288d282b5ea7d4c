"""Processing provider and thin algorithms (parameters -> core call -> outputs)."""
