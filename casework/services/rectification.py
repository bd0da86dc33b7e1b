"""Use cases of the rectification sub-process (to be filled in)."""
