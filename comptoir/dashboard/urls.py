from django.urls import path

from .views import auth, customers, home, invoices, orders, reports

app_name = "dashboard"
urlpatterns = [
    path("", home.home, name="home"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    # « Commandes »
    path("commandes/", orders.order_list, name="order_list"),
    path("commandes/<int:number>/", orders.order_detail, name="order_detail"),
    path("commandes/<int:number>/statut/", orders.order_change_status, name="order_change_status"),
    path("commandes/<int:number>/lignes/", orders.order_add_line, name="order_add_line"),
    path("commandes/<int:number>/lignes/<int:line_id>/", orders.order_update_line, name="order_update_line"),
    path(
        "commandes/<int:number>/lignes/<int:line_id>/supprimer/", orders.order_remove_line,
        name="order_remove_line",
    ),
    path(
        "commandes/<int:number>/confirmation-paiement/", orders.order_send_payment_confirmation,
        name="order_send_payment_confirmation",
    ),
    # Tab « Facture » of an order
    path("commandes/<int:number>/facture/", invoices.order_invoice, name="order_invoice"),
    path("commandes/<int:number>/facture/creer/", invoices.invoice_create, name="invoice_create"),
    path("commandes/<int:number>/facture/modifier/", invoices.invoice_edit, name="invoice_edit"),
    # « Factures »
    path("factures/", invoices.invoice_list, name="invoice_list"),
    path("factures/<int:number>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("factures/<int:number>/envoyer/", invoices.invoice_send, name="invoice_send"),
    path("notes-de-credit/<int:number>/pdf/", invoices.credit_note_pdf, name="credit_note_pdf"),
    # « Clients »
    path("clients/", customers.customer_list, name="customer_list"),
    path("clients/<int:pk>/", customers.customer_detail, name="customer_detail"),
    # « Rapports »
    path("rapports/taxes/", reports.tax_report, name="tax_report"),
    path("rapports/taxes/documents/<str:key>/", reports.tax_report_documents, name="tax_report_documents"),
    path("rapports/taxes/clore/", reports.close_tax_period, name="close_tax_period"),
    path("rapports/exports/", reports.export_list, name="export_list"),
    path("rapports/exports/nouveau/", reports.export_create, name="export_create"),
    path("rapports/exports/clients-nouvelles/", reports.export_news_customers, name="export_news_customers"),
    path("rapports/exports/<int:pk>/telecharger/", reports.export_download, name="export_download"),
]
