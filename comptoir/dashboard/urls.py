from django.urls import path

from .views import auth, batch, customers, fulfilment, home, invoices, orders, refunds, reports, two_factor

app_name = "dashboard"
urlpatterns = [
    path("", home.home, name="home"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    # « Double authentification »
    path("connexion/code/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("double-authentification/", two_factor.two_factor_manage, name="two_factor"),
    path("double-authentification/activer/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("double-authentification/codes/", two_factor.two_factor_codes, name="two_factor_codes"),
    path("double-authentification/codes/telecharger/", two_factor.two_factor_codes_download,
         name="two_factor_codes_download"),
    path("double-authentification/codes/nouveaux/", two_factor.two_factor_new_codes,
         name="two_factor_new_codes"),
    path("double-authentification/desactiver/", two_factor.two_factor_disable, name="two_factor_disable"),
    # « Commandes »
    path("commandes/", orders.order_list, name="order_list"),
    path("commandes/<int:number>/", orders.order_detail, name="order_detail"),
    path("commandes/<int:number>/statut/", orders.order_change_status, name="order_change_status"),
    path("commandes/<int:number>/lignes/", orders.order_add_line, name="order_add_line"),
    path("commandes/<int:number>/lignes/<int:line_id>/", orders.order_update_line, name="order_update_line"),
    path("commandes/<int:number>/lignes/enregistrer/", orders.order_update_lines, name="order_update_lines"),
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
    path("commandes/<int:number>/facture/rappel/", invoices.invoice_remind, name="invoice_remind"),
    path("commandes/<int:number>/facture/rappels/", invoices.order_reminders, name="order_reminders"),
    path("commandes/<int:number>/paiements/<int:payment_id>/annuler/", invoices.payment_reverse,
         name="payment_reverse"),
    path("commandes/<int:number>/rembourser/", refunds.order_refund, name="order_refund"),
    path("commandes/<int:number>/remboursements/<int:refund_id>/reessayer/", refunds.refund_retry,
         name="refund_retry"),
    path("notes-de-credit/<int:number>/envoyer/", refunds.credit_note_send, name="credit_note_send"),
    # « Factures »
    path("factures/", invoices.invoice_list, name="invoice_list"),
    path("factures/<int:number>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("factures/<int:number>/envoyer/", invoices.invoice_send, name="invoice_send"),
    path("notes-de-credit/<int:number>/pdf/", invoices.credit_note_pdf, name="credit_note_pdf"),
    # Shipping, pickup and packing slips of an order
    path("commandes/<int:number>/expedier/", fulfilment.order_ship, name="order_ship"),
    path("commandes/<int:number>/colis/<int:shipment>/corriger/", fulfilment.shipment_correct,
         name="shipment_correct"),
    path("commandes/<int:number>/colis/<int:shipment>/annuler/", fulfilment.shipment_cancel,
         name="shipment_cancel"),
    path("commandes/<int:number>/cueillette/prete/", fulfilment.order_ready_for_pickup,
         name="order_ready_for_pickup"),
    path("commandes/<int:number>/cueillette/remise/", fulfilment.order_picked_up, name="order_picked_up"),
    path("commandes/<int:number>/bordereau/", fulfilment.packing_slip_pdf, name="packing_slip_pdf"),
    path("commandes/<int:number>/colis/<int:shipment>/bordereau/", fulfilment.packing_slip_pdf,
         name="shipment_packing_slip_pdf"),
    # Batch work and exports of « Commandes »
    path("commandes/lot/", batch.order_batch, name="order_batch"),
    path("commandes/lot/expedier/", batch.order_batch_ship, name="order_batch_ship"),
    path("commandes/lot/impression/<uuid:token>/", batch.batch_job, name="batch_job"),
    path("commandes/lot/impression/<uuid:token>/pdf/", batch.batch_job_download, name="batch_job_download"),
    path("commandes/export.csv", batch.order_export, name="order_export"),
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
