// The dispute form keeps the chosen photos and videos across htmx swaps: its file input has
// hx-preserve, so the old input stays and the server's new attributes for it are dropped.
// After each swap, copy the evidence field's error state (data-invalid, data-describedby) onto it.
(function () {
  if (window.openingFormReady) return; // a boosted visit runs this file again
  window.openingFormReady = true;
  document.addEventListener("htmx:afterSettle", function () {
    var field = document.getElementById("field-evidence");
    var input = document.getElementById("evidence");
    if (!field || !input) return;
    if (field.dataset.invalid === "true") input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (field.dataset.describedby) input.setAttribute("aria-describedby", field.dataset.describedby);
  });
})();
