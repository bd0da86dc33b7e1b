"""API endpoints of the objections sub-process (to be filled in)."""

urlpatterns: list = []
