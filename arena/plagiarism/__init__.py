"""Plagiarism checks as pure functions: normalized tokens, winnowed fingerprints, pair scores.

Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for document fingerprinting"
(SIGMOD 2003), the method of MOSS, over tokens instead of characters: identifiers and literals
become one token each, so renaming variables or changing constants changes no fingerprint.
"""
