// Pickers for long lists (hocso.core.widgets.Picker / MultiplePicker): Tom Select on every <select data-picker>.
//   data-picker="local"      search the select's own options in the page
//   data-picker="remote"     the select holds only the chosen options; suggestions come from
//   data-picker-url="…"      this address (?q=typed text → {"results": [{value, text, detail}], "more": bool})
//   data-placeholder, data-picker-none, data-picker-loading, data-picker-remove, data-picker-clear
//                            texts shown in the box, its list and its buttons (translated by the server)
// Read from data-* attributes because the Content-Security-Policy forbids inline scripts. Without this file (or
// without JavaScript) the <select> stays a plain one and the form still submits the chosen options.
(function () {
  "use strict";

  function suggestion(data, escape) {
    var detail = data.detail ? '<small class="picker-detail">' + escape(data.detail) + "</small>" : "";
    return '<div class="picker-option"><span class="picker-name">' + escape(data.name || data.text) + "</span>" +
      detail + "</div>";
  }

  function load(url) {
    var latest = null;
    return function (query, callback) {
      var picker = this;
      var sep = url.indexOf("?") < 0 ? "?" : "&";
      latest = query;
      fetch(url + sep + "q=" + encodeURIComponent(query), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) {
        if (query !== latest) {  // an answer to what was typed before: the newer one shows instead
          callback();
          return;
        }
        picker.clearOptions();  // only this answer's suggestions (the chosen ones stay)
        callback(data.results);
      }).catch(function () {
        callback();
      });
    };
  }

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    var none = select.getAttribute("data-picker-none") || "—";
    var loading = select.getAttribute("data-picker-loading") || "…";
    var url = select.getAttribute("data-picker-url");
    var settings = {
      plugins: select.multiple ? { remove_button: { title: select.getAttribute("data-picker-remove") || "×" } } : {},
      maxOptions: 200,
      allowEmptyOption: true,
      placeholder: select.getAttribute("data-placeholder") || undefined,
      render: {
        option: suggestion,
        item: function (data, escape) {
          return "<div>" + escape(String(data.text).trim()) + "</div>";  // without a short list's indentation
        },
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = none;
          return div;
        },
        loading: function () {
          var div = document.createElement("div");
          div.className = "spinner-text";
          div.textContent = loading;
          return div;
        }
      }
    };
    var empty = !select.multiple && select.querySelector('option[value=""]');
    if (empty) {
      // The empty choice ("— Choose a unit —", "Whole province") shows as the box's placeholder, not as an item
      // beside what is typed; an optional choice gets a button to go back to it.
      settings.placeholder = empty.textContent.trim() || settings.placeholder;
      settings.allowEmptyOption = false;
      if (!select.required) {
        settings.plugins.clear_button = { title: select.getAttribute("data-picker-clear") || "×" };
      }
    }
    if (select.getAttribute("data-picker") === "remote" && url) {
      settings.valueField = "value";
      settings.labelField = "text";
      settings.searchField = [];
      settings.load = load(url);
      settings.preload = "focus";
      settings.loadThrottle = 250;
      settings.shouldLoad = function () { return true; };
      // The server has searched (accents and case ignored, codes too): show its answers in its order.
      settings.score = function () { return function () { return 1; }; };
      settings.onType = function () { this.clearOptions(); };
    }
    // Tom Select moves the <label for> to its own input; the hidden <select> (still submitted, and read by
    // assistive technology in some browsers) keeps the label's text as its name.
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", label.textContent.trim());
    }
    new window.TomSelect(select, settings);
  }

  function start() {
    document.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
