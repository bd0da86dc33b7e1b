"""Use cases of the objections sub-process (to be filled in)."""
