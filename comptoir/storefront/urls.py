from django.contrib.auth.views import LogoutView
from django.urls import path

from .views import account, cart, catalog, checkout, orders

app_name = "storefront"
urlpatterns = [
    path("", catalog.home, name="home"),
    path("categorie/<slug:slug>/", catalog.category, name="category"),
    path("produit/<slug:slug>/", catalog.product, name="product"),
    path("produit/<slug:slug>/ajouter/", cart.add, name="cart_add"),
    path("recherche/", catalog.search, name="search"),
    path("panier/", cart.cart, name="cart"),
    path("panier/<int:product_id>/", cart.update_line, name="cart_update"),
    path("panier/code-promo/", cart.promo_code, name="cart_promo_code"),
    path("caisse/", checkout.details, name="checkout"),
    path("caisse/verification/", checkout.review, name="checkout_review"),
    path("commande/<uuid:token>/", orders.order_detail, name="order_detail"),
    path("commande/<uuid:token>/merci/", orders.confirmation, name="order_confirmation"),
    path("commande/<uuid:token>/facture/", orders.invoice_pdf, name="order_invoice_pdf"),
    path("commande/<uuid:token>/note-de-credit/<int:number>/", orders.credit_note_pdf,
         name="order_credit_note_pdf"),
    path("compte/connexion/", account.CustomerLoginView.as_view(), name="login"),
    path("compte/deconnexion/", LogoutView.as_view(next_page="storefront:home"), name="logout"),
    path("compte/inscription/", account.signup, name="signup"),
    path("compte/mot-de-passe/", account.password_reset, name="password_reset"),
    path("compte/mot-de-passe/envoye/", account.password_reset_sent, name="password_reset_sent"),
    path(
        "compte/mot-de-passe/<uidb64>/<token>/", account.NewPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path("compte/commandes/", orders.account_orders, name="account_orders"),
]
