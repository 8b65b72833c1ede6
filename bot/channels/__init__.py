"""Channel adapters: one per platform, all speaking the neutral message model."""
