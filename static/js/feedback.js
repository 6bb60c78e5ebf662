// The public feedback form: a live character count for the comment. The form works without it.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-count-to]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-count-to"));
    var max = parseInt(area.getAttribute("maxlength"), 10) || 5000;
    // The page's own words, in the page's language: "{n} characters left.", "Up to {max} characters."
    var leftText = area.getAttribute("data-count-left") || "{n} characters left.";
    var maxText = area.getAttribute("data-count-max") || "Up to {max} characters.";
    var lang = document.documentElement.lang || "en";
    if (!out) { return; }
    var update = function () {
      var left = max - area.value.length;
      // Only speak up near the limit, so screen readers are not told every keystroke.
      out.textContent = left < 500 ? leftText.replace("{n}", left.toLocaleString(lang))
                                   : maxText.replace("{max}", max.toLocaleString(lang));
    };
    area.addEventListener("input", update);
    update();
  });
})();
