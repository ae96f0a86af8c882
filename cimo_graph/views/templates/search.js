// The rules kg.search finds by, for the pages (the network and the report): one set of
// rules in Python (cimo_graph/questions/search.py, texts.py) and here, tested against each
// other on the same inputs.
//   - a search is words, and "phrases" in double quotes;
//   - texts and terms are compared folded: compatibility forms (ligatures) taken apart,
//     case folded (ß as ss), accents dropped, white space runs as one space;
//   - a term matches anywhere in a word, but a term of one to three letters only where a
//     word begins ("los" is not in "close");
//   - an element matches when each term is in one of its texts: labels (every language),
//     synonyms, source texts, notes and the quotes that support it.
(function () {
  "use strict";
  var MARK = /\p{Mn}/gu;
  var SHORT = 4;
  function fold(text) {
    return String(text).normalize("NFKD").toLowerCase()
      .replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3").replace(/\u017f/g, "s")
      .replace(MARK, "").replace(/\s+/g, " ").trim();
  }
  function terms(text) {
    var found = [];
    String(text).replace(/"([^"]*)"|(\S+)/g, function (_, phrase, word) {
      var term = fold(phrase !== undefined ? phrase : word.replace(/^"+|"+$/g, ""));
      if (term && found.indexOf(term) < 0) { found.push(term); }
      return "";
    });
    return found;
  }
  var WORDLY = /[\p{L}\p{N}]/u;
  function holds(text, term) {
    var at = text.indexOf(term);
    while (at >= 0) {
      if (term.length >= SHORT || at === 0 || !WORDLY.test(text.charAt(at - 1))) {
        return true;
      }
      at = text.indexOf(term, at + 1);
    }
    return false;
  }
  // texts: an element's texts, each already folded
  function matches(texts, wanted) {
    return wanted.length > 0 && wanted.every(function (term) {
      return texts.some(function (text) { return holds(text, term); });
    });
  }
  window.cimoSearch = {fold: fold, terms: terms, holds: holds, matches: matches};
})();
