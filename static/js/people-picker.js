// People pickers (templates/_people_picker.html): a search-as-you-type combobox over /people/search,
// following the WAI-ARIA combobox pattern (role=combobox, aria-expanded, aria-controls,
// aria-activedescendant over a listbox of options; Up/Down move, Enter chooses, Escape closes).
// The chosen people become chips, each with a hidden input carrying the id under the form's own
// field name and a Remove button; without this script the page's <noscript> search still works.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }  // text only: names are user data, never markup
    return node;
  }

  function setUp(root) {
    var name = root.getAttribute("data-name");
    var url = root.getAttribute("data-search-url");
    var limit = root.getAttribute("data-limit") || "20";
    var roles = (root.getAttribute("data-roles") || "").split(",").filter(Boolean);
    var excluded = (root.getAttribute("data-exclude") || "").split(",").filter(Boolean);
    var chosenList = root.querySelector("[data-picker-chosen]");
    var none = root.querySelector("[data-picker-none]");
    var combo = root.querySelector("[data-picker-combo]");
    var input = combo.querySelector("[role=combobox]");
    var listbox = combo.querySelector("[role=listbox]");
    var status = combo.querySelector("[data-picker-status]");
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function announce(text) { status.textContent = text; }

    function chosenIds() {
      return Array.prototype.map.call(chosenList.querySelectorAll("input[name='" + name + "']"),
                                      function (i) { return i.value; });
    }

    function syncNone() { none.hidden = chosenList.children.length > 0; }

    function chip(id, personName, team) {
      var li = el("li", "person-chip");
      li.setAttribute("data-person-id", id);
      li.setAttribute("data-person-name", personName);
      li.appendChild(el("span", "chip-name", personName));
      if (team) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "chip-team", "· " + team)); }
      var hidden = el("input");
      hidden.type = "hidden"; hidden.name = name; hidden.value = id;
      li.appendChild(hidden);
      var remove = el("button", "chip-remove");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove " + personName);
      remove.title = "Remove " + personName;
      var cross = el("span", "", "×");
      cross.setAttribute("aria-hidden", "true");
      remove.appendChild(cross);
      remove.addEventListener("click", function () {
        li.remove();
        syncNone();
        announce(personName + " removed.");
        input.focus();
      });
      li.appendChild(remove);
      return li;
    }

    // The page's ticked boxes become chips (an unticked box is nobody chosen).
    Array.prototype.slice.call(chosenList.children).forEach(function (li) {
      var box = li.querySelector("input[type=checkbox]");
      var team = li.querySelector(".chip-team");
      if (box && box.checked) {
        var replacement = chip(li.getAttribute("data-person-id"), li.getAttribute("data-person-name"),
                               team ? team.textContent.replace(/^·\s*/, "") : "");
        if (li.classList.contains("inactive")) { replacement.classList.add("inactive"); }
        chosenList.replaceChild(replacement, li);
      } else {
        li.remove();
      }
    });
    syncNone();
    combo.hidden = false;

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("active", i === index);
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      chosenList.appendChild(chip(option.getAttribute("data-id"), option.getAttribute("data-name"),
                                  option.getAttribute("data-team")));
      syncNone();
      input.value = "";
      close();
      announce(option.getAttribute("data-name") + " added.");
      input.focus();
    }

    function show(people, more) {
      while (listbox.firstChild) { listbox.removeChild(listbox.firstChild); }
      options = people.map(function (person) {
        var option = el("li", "picker-option");
        option.id = root.id + "-option-" + person.id;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-id", person.id);
        option.setAttribute("data-name", person.name);
        option.setAttribute("data-team", person.team || "");
        option.appendChild(el("span", "option-name", person.name));
        if (person.team) { option.appendChild(el("span", "option-team", person.team)); }
        // Keep the focus in the input: the click chooses, the input stays where typing goes on.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(option); });
        listbox.appendChild(option);
        return option;
      });
      active = -1;
      if (!options.length || document.activeElement !== input) {
        close();
        announce(input.value.trim() ? "Nobody found." : "");
        return;
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      input.removeAttribute("aria-activedescendant");
      var count = options.length === 1 ? "1 person" : options.length + " people";
      announce(count + " found" + (more ? "; type more of the name to narrow it down" : "") +
               ". Use the up and down arrows, then Enter to choose.");
    }

    function lookup() {
      var q = input.value.trim();
      var ask = ++asked;
      var params = ["q=" + encodeURIComponent(q), "limit=" + encodeURIComponent(limit)];
      roles.forEach(function (role) { params.push("role=" + encodeURIComponent(role)); });
      excluded.concat(chosenIds()).slice(0, 100).forEach(function (id) { params.push("exclude=" + encodeURIComponent(id)); });
      fetch(url + "?" + params.join("&"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(function (data) { if (ask === asked) { show(data.people || [], data.more); } })
        .catch(function () { if (ask === asked) { show([], false); announce("The search is not answering; try again."); } });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { lookup(); return; }
        highlight(active + 1 < options.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) { highlight(active > 0 ? active - 1 : options.length - 1); }
      } else if (event.key === "Enter") {
        // Enter in the search never submits the whole form by surprise.
        event.preventDefault();
        if (open && active >= 0) { choose(options[active]); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else if (input.value) { event.preventDefault(); input.value = ""; }
      } else if (event.key === "Tab") {
        close();
      }
    });
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });  // its scrollbar too
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  document.querySelectorAll("[data-people-picker]").forEach(setUp);
})();
