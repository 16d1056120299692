"""The ICPC Contest API as pure functions: Arena's rows in, CCS objects (arena.protocol.ccs) out."""
