// Buttons marked data-print print the page (a static file: no inline handler under the CSP).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
