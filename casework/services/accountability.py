"""Use cases of the accountability sub-process (to be filled in)."""
