"""HR views, one module per concept."""
