// The public feedback form: a live character count for the comment. The form works without it.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-count-to]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-count-to"));
    var max = parseInt(area.getAttribute("maxlength"), 10) || 5000;
    if (!out) { return; }
    var update = function () {
      var left = max - area.value.length;
      // Only speak up near the limit, so screen readers are not told every keystroke.
      out.textContent = left < 500 ? left + " characters left." : "Up to " + max.toLocaleString("en") + " characters.";
    };
    area.addEventListener("input", update);
    update();
  });
})();
