/* A filter box on the lists, and the search in the header of every page. The pages
   work without them: every row is in the HTML, and the boxes stay hidden when scripts
   do not run. The search's index is a classic script (search.js, which sets
   window.clustersSearch), added when the box is first used: it works from file://,
   where a page may not fetch JSON. */
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

  var MOST = 20; // results shown at once

  function setUpSearch(form) {
    var root = form.getAttribute("data-root");
    var input = form.querySelector("input");
    var list = form.querySelector(".results");
    var loading = null;

    function load(then) {
      if (window.clustersSearch) {
        then();
        return;
      }
      if (!loading) {
        loading = [];
        var script = document.createElement("script");
        script.src = root + "search.js";
        script.onload = function () {
          loading.forEach(function (call) {
            call();
          });
        };
        document.head.appendChild(script);
      }
      loading.push(then);
    }

    function show() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!words.length) {
        return;
      }
      var found = 0;
      (window.clustersSearch || []).some(function (entry) {
        var text = (entry[0] + " " + entry[2] + " " + entry[3]).toLowerCase();
        var match = words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        if (match) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = root + entry[1];
          link.textContent = entry[0];
          var kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = entry[2];
          item.appendChild(link);
          item.appendChild(document.createTextNode(" "));
          item.appendChild(kind);
          list.appendChild(item);
          found += 1;
        }
        return found >= MOST;
      });
      if (!found) {
        var none = document.createElement("li");
        none.textContent = form.getAttribute("data-none");
        list.appendChild(none);
      }
    }

    input.addEventListener("input", function () {
      load(show);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        input.value = "";
        list.textContent = "";
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) {
        window.location.href = first.href;
      }
    });
    form.hidden = false;
  }

  document.querySelectorAll("[data-filter]").forEach(setUp);
  document.querySelectorAll("form.search").forEach(setUpSearch);
})();
