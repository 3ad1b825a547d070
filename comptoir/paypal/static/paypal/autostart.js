// Coming from a PayPal checkout, the payer goes straight on to PayPal: the « Payer la facture »
// page marks its form with data-autostart (once only; see paypal.views.pay_invoice).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autostart]");
  if (form) {
    form.submit();
  }
});
