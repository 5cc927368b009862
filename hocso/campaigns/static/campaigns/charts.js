/* Draws the campaign charts from the JSON blocks #campaign-charts and #campaign-chart-texts (no inline scripts: the
   CSP forbids them). Without JavaScript charts-noscript.css hides the charts; if Chart.js did not load they are
   hidden here; either way the tables under each chart and on the page tell the same story.

   - Units: horizontal bars, one per unit, sorted by the measure chosen (pass rate or participation), the 10 highest
     and the 10 lowest until "show all"; bars are a fixed 18 px in 28 px rows, the box growing with their number
     (--bars, as the server set it in data-bars for the first view: nothing moves when the chart is drawn).
   - Trend: straight lines (no curve), for the units ticked in the chooser under the chart (at most data.trend_lines).
   - Labels that do not fit are shortened with "…"; the full name is in the tooltip and in the tables.
   Numbers are written the page language's way (Intl.NumberFormat: 68,1% in Vietnamese, 68.1% in English). */
(function () {
  "use strict";
  var COLOURS = ["#1f6feb", "#1a7f37", "#9a6700", "#cf222e", "#8250df", "#1b7c83", "#bc4c00", "#57606a"];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "rectRounded", "cross"];
  var BAR = 18; // px: the bar thickness (charts.css gives each bar a 28 px row)
  var LANG = /^vi/i.test(document.documentElement.lang || "vi") ? "vi-VN" : "en-GB";
  var ONE_DECIMAL = new Intl.NumberFormat(LANG, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var WHOLE = new Intl.NumberFormat(LANG, { maximumFractionDigits: 0 });
  var STILL = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function percent(value) {
    return value === null || value === undefined ? "—" : ONE_DECIMAL.format(value) + "%";
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function fold(text) { // accent-insensitive search: "Đại Phúc" ~ "dai phuc"
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  function fontString() {
    var font = window.Chart.defaults.font;
    return (font.style || "normal") + " " + (font.weight || "normal") + " " + font.size + "px " + font.family;
  }

  /* The text as it fits in `max` pixels: whole, or cut at a character and ended with "…". */
  function shorten(chart, text, max) {
    var ctx = chart.ctx;
    var out = String(text);
    ctx.save();
    ctx.font = fontString();
    if (ctx.measureText(out).width > max) {
      while (out.length > 1 && ctx.measureText(out + "…").width > max) out = out.slice(0, -1);
      out = out.replace(/\s+$/, "") + "…";
    }
    ctx.restore();
    return out;
  }

  /* The text as it fits in `share` of the chart's width. */
  function fit(chart, text, share) {
    return shorten(chart, text, Math.max(72, chart.width * share));
  }

  /* A period under its point: on one line if it fits the room each period has, else on two ("Quý IV/2026"). */
  function period(scale, value) {
    var text = String(scale.getLabelForValue(value));
    var room = Math.max(48, (scale.chart.width - 56) / Math.max(scale.getLabels().length, 1) - 6);
    if (shorten(scale.chart, text, room) === text) return text;
    var space = text.indexOf(" ");
    if (space < 0) return shorten(scale.chart, text, room);
    return [shorten(scale.chart, text.slice(0, space), room), shorten(scale.chart, text.slice(space + 1), room)];
  }

  function percentAxis() {
    return { beginAtZero: true, max: 100, ticks: { callback: function (v) { return WHOLE.format(v) + "%"; } } };
  }

  function unitsChart(root, data, texts) {
    var canvas = root.querySelector('canvas[data-chart="units"]');
    if (!canvas || data.units.names.length < 2) return;
    var box = canvas.parentNode;
    var figure = box.closest("figure");
    var note = figure.querySelector("[data-bars-note]");
    var more = figure.querySelector("[data-show-all]");
    var radios = figure.querySelectorAll('input[name="chart-measure"]');
    var each = data.units.each_end;
    var state = { measure: data.units.measure, all: false };
    var picked = figure.querySelector('input[name="chart-measure"]:checked');
    if (picked) state.measure = picked.value;
    var chart = null;
    var gap = -1; // the top and the bottom bars shown: a dashed line between them, where the others are left out
    var gapLine = {
      id: "gapLine",
      afterDatasetsDraw: function (c) {
        if (gap < 0) return;
        var y = (c.scales.y.getPixelForValue(gap - 1) + c.scales.y.getPixelForValue(gap)) / 2;
        var ctx = c.ctx;
        ctx.save();
        ctx.strokeStyle = "#5b6475";
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(0, y);
        ctx.lineTo(c.chartArea.right, y);
        ctx.stroke();
        ctx.restore();
      }
    };

    function ranked() {
      var values = data.units[state.measure] || [];
      var items = [];
      data.units.names.forEach(function (name, i) {
        if (values[i] !== null && values[i] !== undefined) items.push({ name: name, value: values[i] });
      });
      items.sort(function (a, b) { return b.value - a.value || a.name.localeCompare(b.name, LANG); });
      items.forEach(function (item, i) { item.label = (i + 1) + ". " + item.name; });
      return items;
    }

    function render(told) {
      var items = ranked();
      var cut = !state.all && items.length > 2 * each;
      var bars = cut ? items.slice(0, each).concat(items.slice(-each)) : items;
      gap = cut ? each : -1;
      var label = state.measure === "participation_rate" ? root.dataset.participation : root.dataset.passRate;
      var colour = state.measure === "participation_rate" ? COLOURS[1] : COLOURS[0];
      box.style.setProperty("--bars", String(Math.max(bars.length, 1)));
      var dataset = { label: label, data: bars.map(function (b) { return b.value; }), backgroundColor: colour,
                      barThickness: BAR, maxBarThickness: BAR };
      var labels = bars.map(function (b) { return b.label; });
      if (chart) {
        chart.data.labels = labels;
        chart.data.datasets = [dataset];
        chart.update();
      } else {
        chart = new window.Chart(canvas, {
          type: "bar",
          data: { labels: labels, datasets: [dataset] },
          plugins: [gapLine],
          options: {
            indexAxis: "y", maintainAspectRatio: false, animation: STILL ? false : { duration: 300 },
            plugins: {
              legend: { display: false },
              tooltip: { callbacks: {
                title: function (items) { return items.length ? items[0].label : ""; },
                label: function (item) { return item.dataset.label + ": " + percent(item.parsed.x); }
              } }
            },
            scales: {
              x: Object.assign(percentAxis(), { position: "top" }),
              y: { ticks: { autoSkip: false, callback: function (value) {
                return fit(this.chart, this.getLabelForValue(value), 0.42);
              } } }
            }
          }
        });
      }
      if (!told) return; // the first view: the server wrote the note and the button
      var values = { each: WHOLE.format(each), total: WHOLE.format(items.length),
                     measure: texts["measure_" + state.measure] || "",
                     n: WHOLE.format(data.units.names.length - items.length) };
      var text = fill(cut ? texts.ends : texts.every, values);
      if (items.length < data.units.names.length) text += " " + fill(texts.left_out, values);
      if (note) note.textContent = text;
      if (more) {
        more.parentNode.hidden = items.length <= 2 * each;
        more.textContent = fill(state.all ? texts.show_ends : texts.show_all, values);
        more.setAttribute("aria-expanded", state.all ? "true" : "false");
      }
    }

    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", function () {
        if (!radio.checked) return;
        state.measure = radio.value;
        render(true);
      });
    });
    if (more) more.addEventListener("click", function () { state.all = !state.all; render(true); });
    render(false);
  }

  function distributionChart(root, data) {
    var canvas = root.querySelector('canvas[data-chart="distribution"]');
    if (!canvas) return;
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.distribution.labels,
              datasets: [{ label: root.dataset.people, data: data.distribution.counts, backgroundColor: COLOURS[4],
                           categoryPercentage: 1, barPercentage: 0.95 }] },
      options: { maintainAspectRatio: false, animation: STILL ? false : { duration: 300 },
                 plugins: { legend: { display: false }, tooltip: { callbacks: {
                   label: function (item) { return item.dataset.label + ": " + WHOLE.format(item.parsed.y); } } } },
                 scales: { x: { ticks: { maxRotation: 0 } },
                           y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) {
                             return WHOLE.format(v); } } } } }
    });
  }

  function trendChart(root, data) {
    var canvas = root.querySelector('canvas[data-chart="trend"]');
    if (!canvas || !data.trend.periods.length) return;
    var figure = canvas.closest("figure");
    var boxes = Array.prototype.slice.call(figure.querySelectorAll('input[name="trend-unit"]'));
    var filter = figure.querySelector("[data-trend-filter]");
    var most = data.trend_lines || 8;
    var byId = {};
    data.trend.units.forEach(function (unit) { byId[unit.id] = unit; });
    var colourOf = {}; // a unit keeps its colour while it stays chosen

    function chosen() {
      var ids = boxes.filter(function (b) { return b.checked; }).map(function (b) { return Number(b.value); });
      if (!boxes.length) ids = data.trend.chosen.slice();
      return ids.filter(function (id) { return byId[id]; }).slice(0, most);
    }

    function datasets() {
      var ids = chosen();
      Object.keys(colourOf).forEach(function (id) { if (ids.indexOf(Number(id)) < 0) delete colourOf[id]; });
      ids.forEach(function (id) {
        if (colourOf[id] !== undefined) return;
        var taken = Object.keys(colourOf).map(function (k) { return colourOf[k]; });
        for (var i = 0; i < COLOURS.length; i++) if (taken.indexOf(i) < 0) { colourOf[id] = i; break; }
      });
      return ids.map(function (id) {
        var i = colourOf[id] || 0;
        var unit = byId[id];
        return { label: unit.name, data: unit.pass_rate, borderColor: COLOURS[i], backgroundColor: COLOURS[i],
                 pointStyle: POINTS[i], pointRadius: 4, pointHoverRadius: 6, borderWidth: 2, tension: 0,
                 spanGaps: true, unitId: id };
      });
    }

    function limit() {
      var full = chosen().length >= most;
      boxes.forEach(function (b) { b.disabled = full && !b.checked; });
    }

    var chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: data.trend.periods, datasets: datasets() },
      options: {
        maintainAspectRatio: false, animation: STILL ? false : { duration: 300 },
        elements: { line: { tension: 0 } },
        interaction: { mode: "nearest", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 8, boxHeight: 8,
            generateLabels: function (c) {
              var items = window.Chart.defaults.plugins.legend.labels.generateLabels(c);
              items.forEach(function (item) { item.text = fit(c, item.text, 0.8); });
              return items;
            } } },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + percent(item.parsed.y); } } }
        },
        scales: {
          y: percentAxis(),
          x: { offset: true, ticks: { maxRotation: 0, autoSkip: true, callback: function (value) {
            return period(this, value);
          } } }
        }
      }
    });
    limit();
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        limit();
        chart.data.datasets = datasets();
        chart.update();
      });
    });
    if (filter) filter.addEventListener("input", function () {
      var wanted = fold(filter.value.trim());
      boxes.forEach(function (b) {
        b.closest("li").hidden = wanted !== "" && fold(b.parentNode.textContent).indexOf(wanted) < 0;
      });
    });
  }

  function start() {
    var root = document.querySelector("[data-charts]");
    var source = document.getElementById("campaign-charts");
    if (!root || !source) return;
    if (!window.Chart) { root.hidden = true; return; } // the tables are still there
    var textSource = document.getElementById("campaign-chart-texts");
    var texts = textSource ? JSON.parse(textSource.textContent) : {};
    var page = window.getComputedStyle(document.body);
    window.Chart.defaults.font.family = page.fontFamily;
    window.Chart.defaults.color = "#4a5263";
    try {
      var data = JSON.parse(source.textContent);
      unitsChart(root, data, texts);
      distributionChart(root, data);
      trendChart(root, data);
    } catch (error) {
      root.hidden = true; // the tables are still there
      throw error;
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
