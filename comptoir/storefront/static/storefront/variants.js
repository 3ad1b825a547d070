// Product page of a product sold by variant: the price, SKU, stock and picture follow the
// options ticked. Without this file the form works the same (the server finds the variant).
(function () {
  "use strict";
  var form = document.querySelector("form[data-variants]");
  if (!form) { return; }
  var variants = JSON.parse(form.getAttribute("data-variants"));
  var price = document.getElementById("variant-price");
  var sku = document.getElementById("variant-sku");
  var stock = document.getElementById("variant-stock");
  var image = document.getElementById("variant-image");
  var unavailable = document.getElementById("variant-unavailable");
  var quantity = document.getElementById("id_quantity");
  var submit = form.querySelector("button[type=submit]");

  function chosenValues() {
    var checked = form.querySelectorAll("input[type=radio]:checked");
    return Array.prototype.map.call(checked, function (input) { return Number(input.value); });
  }

  function find(values) {
    var groups = form.querySelectorAll("fieldset.variant-option").length;
    if (values.length !== groups) { return null; }
    return variants.find(function (variant) {
      return variant.values.length === values.length && values.every(function (value) {
        return variant.values.indexOf(value) !== -1;
      });
    }) || null;
  }

  function update() {
    var variant = find(chosenValues());
    unavailable.hidden = variant !== null;
    submit.disabled = variant === null || variant.stock <= 0;
    if (variant === null) { return; }
    price.textContent = variant.price;
    sku.textContent = variant.sku;
    stock.innerHTML = variant.stock_html;
    quantity.max = String(Math.max(variant.stock, 1));
    if (image && variant.image) { image.src = variant.image; }
  }

  form.addEventListener("change", update);
  update();
}());
