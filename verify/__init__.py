"""Certification of max replication in z3 (exact rational arithmetic)."""
