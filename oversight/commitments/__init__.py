"""Commitment tracking (承诺跟踪, DOMAIN §9.8): what a unit promised, by when, whether it kept
its word, and the lead a broken promise becomes (category PRM)."""
