// Ideas: similar ideas while typing a title, and the owner's form showing only the fields that apply.
(function () {
  "use strict";

  var box = document.getElementById("similar-ideas");
  var title = document.getElementById("title");
  if (box && title) {
    var list = box.querySelector("ul");
    var url = box.getAttribute("data-similar-url");
    var timer = null;
    var lastQuery = "";
    var render = function (ideas) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      ideas.forEach(function (idea) {
        // Text nodes only: titles are user text and must never become markup.
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = idea.url;
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = "#" + idea.id + " " + idea.title;
        li.appendChild(a);
        var meta = document.createElement("span");
        meta.className = "small muted";
        // The labels come in the page's language from the server.
        meta.textContent = " · " + (idea.status_label || idea.status) + " · " +
          (idea.votes_label || idea.votes + (idea.votes === 1 ? " vote" : " votes")) + " · " + idea.team;
        li.appendChild(meta);
        list.appendChild(li);
      });
      box.hidden = ideas.length === 0;
    };
    var lookup = function () {
      var q = title.value.trim();
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (q.length < 4) { render([]); return; }
      fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { ideas: [] }; })
        .then(function (data) { if (title.value.trim() === q) { render(data.ideas || []); } })
        .catch(function () { render([]); });
    };
    title.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 250);
    });
    lookup();
  }

  var status = document.querySelector(".owner-form select[name=status]");
  if (status) {
    var extras = document.querySelectorAll(".owner-form [data-for-status]");
    var sync = function () {
      extras.forEach(function (el) {
        el.hidden = el.getAttribute("data-for-status") !== status.value;
      });
    };
    status.addEventListener("change", sync);
    sync();
  }
})();
