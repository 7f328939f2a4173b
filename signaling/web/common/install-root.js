// The install page's print button (the page's policy allows no inline script).
document.querySelector(".print-page")?.addEventListener("click", () => window.print());
