"""API endpoints of the repair sub-process (to be filled in)."""

urlpatterns: list = []
