"""A unit's payments to SMEs under /unit/payments/ (read by the commission too)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.payment_list, name="unit-payments"),
    path("<int:pk>/paid/", views.payment_pay, name="unit-payment-paid"),
]
