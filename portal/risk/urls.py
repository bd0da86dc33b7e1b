"""Risk warnings under /work/alerts/ (the commission; a unit's liaison acknowledges from its portal)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.alert_list, name="risk-alerts"),
    path("<int:pk>/acknowledge/", views.alert_acknowledge, name="risk-alert-acknowledge"),
    path("<int:pk>/resolve/", views.alert_resolve, name="risk-alert-resolve"),
    path("<int:pk>/dismiss/", views.alert_dismiss, name="risk-alert-dismiss"),
]
