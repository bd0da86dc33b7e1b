"""API endpoints of the rectification sub-process (to be filled in)."""

urlpatterns: list = []
