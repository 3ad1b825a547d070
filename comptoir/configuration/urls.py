from django.urls import path
from django.views.generic import TemplateView

app_name = "configuration"
_placeholder = TemplateView.as_view(template_name="configuration/placeholder.html")
urlpatterns = [
    path("configuration/", _placeholder, name="settings"),
    path("produits/", _placeholder, name="product_list"),
    path("categories/", _placeholder, name="category_list"),
]
