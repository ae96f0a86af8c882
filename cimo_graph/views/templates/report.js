// The report's filter: the elements kg.search finds for the words typed stay, the others
// are hidden (the same rules: search.js). Text is only read, never written as HTML.
(function () {
  "use strict";
  var input = document.getElementById("report-search");
  var found = document.getElementById("report-found");
  var rules = window.cimoSearch;
  var given = JSON.parse(document.getElementById("report-texts").textContent);
  var elements = Array.prototype.slice.call(document.querySelectorAll("article.element"));
  var texts = elements.map(function (element) {
    return (given[element.id] || []).map(rules.fold);
  });
  function filter() {
    var wanted = rules.terms(input.value);
    var shown = 0;
    elements.forEach(function (element, index) {
      var keep = !wanted.length || rules.matches(texts[index], wanted);
      element.classList.toggle("hidden", !keep);
      if (keep) { shown += 1; }
    });
    // "{shown} of {total}" in the report's language
    var said = found.getAttribute("data-words") || "{shown} of {total}";
    found.textContent = wanted.length
      ? said.replace("{shown}", String(shown)).replace("{total}", String(elements.length))
      : "";
  }
  input.addEventListener("input", filter);
  window.cimoReport = {
    filter: function (text) { input.value = text; filter(); return found.textContent; },
    shown: function () {
      return elements.filter(function (e) { return !e.classList.contains("hidden"); })
        .map(function (e) { return e.id; });
    }
  };
})();
