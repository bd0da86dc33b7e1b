"""API endpoints of the accountability sub-process (to be filled in)."""

urlpatterns: list = []
