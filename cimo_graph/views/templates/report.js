// The report's filter: elements whose text holds every word typed (any case, accents
// ignored) stay, the others are hidden. Text is only read (textContent), never written as
// HTML.
(function () {
  "use strict";
  var input = document.getElementById("report-search");
  var found = document.getElementById("report-found");
  var elements = Array.prototype.slice.call(document.querySelectorAll("article.element"));
  function folded(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var texts = elements.map(function (element) { return folded(element.textContent); });
  function filter() {
    var words = folded(input.value).split(/\s+/).filter(function (w) { return w; });
    var shown = 0;
    elements.forEach(function (element, index) {
      var keep = words.every(function (word) { return texts[index].indexOf(word) >= 0; });
      element.classList.toggle("hidden", !keep);
      if (keep) { shown += 1; }
    });
    found.textContent = words.length ? shown + " of " + elements.length : "";
  }
  input.addEventListener("input", filter);
  window.cimoReport = {filter: function (text) { input.value = text; filter(); return found.textContent; }};
})();
