from django.urls import path
from django.views.generic import TemplateView

app_name = "dashboard"
_placeholder = TemplateView.as_view(template_name="configuration/placeholder.html")
urlpatterns = [
    path("commandes/", _placeholder, name="order_list"),
    path("factures/", _placeholder, name="invoice_list"),
    path("clients/", _placeholder, name="customer_list"),
]
