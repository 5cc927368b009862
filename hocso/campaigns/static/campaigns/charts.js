/* Draws the campaign charts from the JSON block #campaign-charts (no inline scripts: the CSP forbids them).
   Without JavaScript, or if Chart.js did not load, the charts stay hidden and the tables tell the same story. */
(function () {
  "use strict";
  var COLOURS = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#1b7c83", "#bc4c00", "#57606a"];

  function percentAxis() {
    return { beginAtZero: true, max: 100, ticks: { callback: function (v) { return v + " %"; } } };
  }

  function draw(root, data) {
    var labels = root.dataset;
    var units = root.querySelector('canvas[data-chart="units"]');
    if (units && data.units.names.length) {
      new window.Chart(units, {
        type: "bar",
        data: {
          labels: data.units.names,
          datasets: [
            { label: labels.passRate, data: data.units.pass_rate, backgroundColor: COLOURS[0] },
            { label: labels.participation, data: data.units.participation_rate, backgroundColor: COLOURS[1] }
          ]
        },
        options: { maintainAspectRatio: false, indexAxis: data.units.names.length > 8 ? "y" : "x",
                   scales: data.units.names.length > 8 ? { x: percentAxis() } : { y: percentAxis() } }
      });
    }
    var histogram = root.querySelector('canvas[data-chart="distribution"]');
    if (histogram) {
      new window.Chart(histogram, {
        type: "bar",
        data: { labels: data.distribution.labels,
                datasets: [{ label: labels.people, data: data.distribution.counts, backgroundColor: COLOURS[4],
                             categoryPercentage: 1, barPercentage: 0.95 }] },
        options: { maintainAspectRatio: false, plugins: { legend: { display: false } },
                   scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
    }
    var trend = root.querySelector('canvas[data-chart="trend"]');
    if (trend && data.trend.periods.length) {
      new window.Chart(trend, {
        type: "line",
        data: {
          labels: data.trend.periods,
          datasets: data.trend.units.map(function (unit, i) {
            var colour = COLOURS[i % COLOURS.length];
            return { label: unit.name, data: unit.pass_rate, borderColor: colour, backgroundColor: colour,
                     spanGaps: true, tension: 0.2 };
          })
        },
        options: { maintainAspectRatio: false, scales: { y: percentAxis() } }
      });
    }
  }

  function start() {
    var root = document.querySelector("[data-charts]");
    var source = document.getElementById("campaign-charts");
    if (!root || !source || !window.Chart) return;
    root.hidden = false;
    try {
      draw(root, JSON.parse(source.textContent));
    } catch (error) {
      root.hidden = true;  // the tables are still there
      throw error;
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
