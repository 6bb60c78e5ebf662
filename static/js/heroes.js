// Hero pages, progressively enhanced: claps without a page reload (the hero picker: people-picker.js).
(function () {
  "use strict";
  document.querySelectorAll("form[data-clap]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch) { return; }
      event.preventDefault();
      var button = form.querySelector("button");
      var body = new FormData(form);
      button.disabled = true;
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                           headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(function (data) {
          form.querySelector("[data-clap-count]").textContent = data.count;
          button.classList.toggle("clapped", data.clapped);
          button.setAttribute("aria-pressed", data.clapped ? "true" : "false");
          button.title = data.clapped ? "Take your clap back" : "Clap for this story";
          var undo = form.querySelector("input[name=undo]");
          if (data.clapped && !undo) {
            undo = document.createElement("input");
            undo.type = "hidden"; undo.name = "undo"; undo.value = "1";
            form.appendChild(undo);
          } else if (!data.clapped && undo) {
            undo.remove();
          }
          button.classList.remove("pop"); void button.offsetWidth; button.classList.add("pop");
        })
        .catch(function () { form.submit(); })
        .finally(function () { button.disabled = false; });
    });
  });
})();
