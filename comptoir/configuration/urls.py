from django.urls import path
from django.views.generic import RedirectView

from .views import catalog, delivery, notifications, settings, staff

app_name = "configuration"
urlpatterns = [
    path("configuration/", settings.payments, name="settings"),
    path("configuration/paiements/", RedirectView.as_view(pattern_name="configuration:settings")),
    path("configuration/entreprise/", settings.business, name="business"),
    path("configuration/livraison/", delivery.delivery_list, name="delivery_list"),
    path("configuration/livraison/nouveau/", delivery.delivery_form, name="delivery_create"),
    path("configuration/livraison/<int:pk>/", delivery.delivery_form, name="delivery_edit"),
    path("configuration/livraison/<int:pk>/activer/", delivery.delivery_toggle, name="delivery_toggle"),
    path("configuration/livraison/<int:pk>/monter/", delivery.delivery_move, {"direction": "up"},
         name="delivery_move_up"),
    path("configuration/livraison/<int:pk>/descendre/", delivery.delivery_move, {"direction": "down"},
         name="delivery_move_down"),
    path("configuration/notifications/", settings.notification_settings, name="notification_settings"),
    path("configuration/notifications/journal/", notifications.notification_log, name="notification_log"),
    path("configuration/notifications/journal/<int:pk>/", notifications.notification_detail,
         name="notification_detail"),
    path("configuration/notifications/journal/<int:pk>/renvoyer/", notifications.notification_resend,
         name="notification_resend"),
    path("configuration/rapports/", settings.report_settings, name="report_settings"),
    path("configuration/comptes/", staff.staff_list, name="staff_list"),
    path("configuration/comptes/nouveau/", staff.staff_create, name="staff_create"),
    path("configuration/comptes/<int:pk>/statut/", staff.staff_set_active, name="staff_set_active"),
    path("produits/", catalog.product_list, name="product_list"),
    path("produits/nouveau/", catalog.product_create, name="product_create"),
    path("produits/<int:pk>/", catalog.product_edit, name="product_edit"),
    path("produits/<int:pk>/stock/", catalog.product_adjust_stock, name="product_adjust_stock"),
    path("produits/<int:pk>/visibilite/", catalog.product_toggle, name="product_toggle"),
    path("categories/", catalog.category_list, name="category_list"),
    path("categories/nouvelle/", catalog.category_form, name="category_create"),
    path("categories/<int:pk>/", catalog.category_form, name="category_edit"),
    path("categories/<int:pk>/visibilite/", catalog.category_toggle, name="category_toggle"),
    path("categories/<int:pk>/monter/", catalog.category_move, {"direction": "up"},
         name="category_move_up"),
    path("categories/<int:pk>/descendre/", catalog.category_move, {"direction": "down"},
         name="category_move_down"),
]
