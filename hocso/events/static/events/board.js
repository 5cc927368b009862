// The live board of a session: asks the server for the figures every N seconds and writes them into the page
// (no reload, so a wall screen keeps its place). Numbers are written the Vietnamese way, as the server does.
(function () {
  "use strict";
  var root = document.querySelector("[data-board-url]");
  if (!root) { return; }
  var url = root.getAttribute("data-board-url");
  var seconds = parseInt(root.getAttribute("data-poll-seconds"), 10) || 10;
  var format = new Intl.NumberFormat("vi-VN");
  var stamp = document.querySelector("[data-board-at]");
  var timeFormat = new Intl.DateTimeFormat("vi-VN", {hour: "2-digit", minute: "2-digit", second: "2-digit"});

  function put(scope, name, value) {
    var cell = scope.querySelector("[data-field='" + name + "']");
    if (cell) { cell.textContent = value === null || value === undefined ? "—" : format.format(value); }
  }

  function draw(data) {
    ["sites", "reporting", "expected", "named", "attendance", "video"].forEach(function (name) {
      put(root, "total-" + name, data.totals[name]);
    });
    if (data.site) {  // one site's screen: its own figures
      ["named", "expected"].forEach(function (name) { put(root, "site-" + name, data.site[name]); });
    }
    (data.sites || []).forEach(function (site) {
      var row = root.querySelector("tr[data-site='" + site.id + "']");
      if (!row) { return; }
      ["expected", "named", "head", "attendance", "video"].forEach(function (name) { put(row, name, site[name]); });
      row.classList.toggle("silent", !site.reporting);
    });
    (data.units || []).forEach(function (unit, index) {
      var row = root.querySelector("tr[data-unit-index='" + index + "']");
      if (!row) { return; }
      ["sites", "reporting", "expected", "attendance"].forEach(function (name) { put(row, name, unit[name]); });
    });
    if (stamp) { stamp.textContent = timeFormat.format(new Date(data.at)); }
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { draw(data); } })
      .catch(function () { /* a dropped request: the next one comes in N seconds */ })
      .finally(function () { window.setTimeout(poll, seconds * 1000); });
  }
  window.setTimeout(poll, seconds * 1000);
})();
