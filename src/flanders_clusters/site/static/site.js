/* A filter box on the cluster and partner lists. The pages work without it: every row
   is in the HTML, and the box stays hidden when scripts do not run. */
(function () {
  "use strict";

  function setUp(box) {
    var name = box.getAttribute("data-filter");
    var input = box.querySelector("input");
    var count = box.querySelector(".count");
    var tables = document.querySelectorAll('table[data-filtered="' + name + '"]');
    var sections = document.querySelectorAll('[data-filter-section="' + name + '"]');
    var rows = [];
    tables.forEach(function (table) {
      table.querySelectorAll("tbody tr").forEach(function (row) {
        rows.push({ row: row, text: row.textContent.toLowerCase() });
      });
    });

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (item) {
        var match = words.every(function (word) {
          return item.text.indexOf(word) !== -1;
        });
        item.row.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      sections.forEach(function (section) {
        section.hidden = section.querySelector("tbody tr:not([hidden])") === null;
      });
      count.textContent = words.length
        ? count.getAttribute("data-template")
            .replace("{shown}", String(shown))
            .replace("{total}", String(rows.length))
        : "";
    }

    input.addEventListener("input", apply);
    box.hidden = false;
    if (input.value) {
      apply();
    }
  }

  document.querySelectorAll("[data-filter]").forEach(setUp);
})();
