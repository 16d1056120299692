"""Kattis / ICPC problem packages: reading them (``package``) and the default output validator
(``checker``). Pure Python, no I/O beyond reading the package directory."""
