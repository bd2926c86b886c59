"""Trace store: canonical JSON and digests, the hash-chained trace writer, reader, verifier and replay
(TOOLING.md §4)."""
