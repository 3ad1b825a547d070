from django.urls import path

from . import views

app_name = "pay"
urlpatterns = [
    path("<uuid:token>/", views.pay_invoice, name="invoice"),
    path("<uuid:token>/paypal/", views.start_payment, name="start"),
    path("<uuid:token>/retour/", views.payment_return, name="return"),
    path("<uuid:token>/annulation/", views.payment_cancel, name="cancel"),
]
