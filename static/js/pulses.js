// Pulse results: changing the period shows it at once (the Show button stays for keyboards and no-JS).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
