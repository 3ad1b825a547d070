// Small enhancements of the back-office; every page works without them.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialog);
    if (dialog && dialog.showModal) {
      event.preventDefault();
      dialog.showModal();
    }
    return;
  }
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) {
    closer.closest("dialog").close();
    return;
  }
  // Close the other row menus (« flèche ») when one opens or when clicking elsewhere.
  document.querySelectorAll("details.row-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  let message = form.dataset.confirm;
  // Cancelling an order releases its stock and credits its invoice: ask first.
  if (form.dataset.confirmCancel && form.elements.status && form.elements.status.value === "cancelled") {
    message = form.dataset.confirmCancel;
  }
  if (message && !window.confirm(message)) event.preventDefault();
});
