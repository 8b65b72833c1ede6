"""`make bench`: the benchmark suite (engine, webhook paths, bare PTB floor, broadcast)."""
