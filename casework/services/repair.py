"""Use cases of the repair sub-process (to be filled in)."""
