"""Judging: the language table, the gVisor sandbox driver, the warm pool and the grader."""
