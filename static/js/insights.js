// Insights charts: drawn with plotly.js (served by the app) from the JSON the page points to
// (fetched from the same origin, so the page itself stays small however many points there are).
(function () {
  "use strict";
  var block = document.getElementById("insights-data");
  if (!block || typeof Plotly === "undefined") { return; }
  fetch(block.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("chart data: HTTP " + response.status); }
      return response.json();
    })
    .then(drawAll)
    .catch(function (error) { block.hidden = false; block.textContent = "The charts could not be loaded."; });

  function drawAll(data) {
    var config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
    var font = { family: "system-ui, -apple-system, 'Segoe UI', sans-serif", size: 12 };
    var palette = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
                   "#9333ea", "#ea580c", "#0d9488", "#4f46e5"];

    function layout(extra) {
      var base = { font: font, margin: { l: 56, r: 16, t: 16, b: 48 }, paper_bgcolor: "rgba(0,0,0,0)",
                   plot_bgcolor: "rgba(0,0,0,0)", legend: { orientation: "h", y: -0.2 } };
      Object.keys(extra || {}).forEach(function (k) { base[k] = extra[k]; });
      return base;
    }

    function draw(id, traces, extra) {
      var el = document.getElementById(id);
      if (el) { Plotly.newPlot(el, traces, layout(extra), config); }
    }

    // Scatter: one trace per team, plus the least-squares line.
    var byTeam = {}, points = data.scatter;
    points.team.forEach(function (index, i) {
      var team = points.teams[index];
      (byTeam[team] = byTeam[team] || { x: [], y: [], text: [] });
      byTeam[team].x.push(points.engagement[i]);
      byTeam[team].y.push(points.customer[i]);
      byTeam[team].text.push(team + " · " + points.period[i]);
    });
    var scatter = Object.keys(byTeam).sort().map(function (team, i) {
      return { type: "scatter", mode: "markers", name: team, x: byTeam[team].x, y: byTeam[team].y,
               text: byTeam[team].text, hovertemplate: "%{text}<br>engagement %{x:.1f}<br>" + data.metric + " %{y:.1f}<extra></extra>",
               marker: { size: 9, color: palette[i % palette.length], opacity: 0.8 } };
    });
    if (data.fitted) {
      scatter.push({ type: "scatter", mode: "lines", name: "fitted line", x: data.fitted.x, y: data.fitted.y,
                     line: { color: "#111827", dash: "dash", width: 2 }, hoverinfo: "skip" });
    }
    draw("chart-scatter", scatter, { xaxis: { title: { text: "Engagement (0–100)" } },
                                     yaxis: { title: { text: data.metric } }, height: 420,
                                     legend: { orientation: "v", x: 1.02, y: 1, font: { size: 11 } },
                                     margin: { l: 56, r: 8, t: 16, b: 48 } });

    // Lag profile: r with its interval, across teams and within teams.
    function lagTrace(name, key, low, high, color, offset) {
      var xs = [], ys = [], plus = [], minus = [];
      data.lags.forEach(function (row) {
        if (row[key] === null) { return; }
        xs.push(row.lag + offset); ys.push(row[key]);
        plus.push(row[high] - row[key]); minus.push(row[key] - row[low]);
      });
      return { type: "scatter", mode: "markers+lines", name: name, x: xs, y: ys, marker: { size: 9, color: color },
               line: { color: color, width: 1 },
               error_y: { type: "data", symmetric: false, array: plus, arrayminus: minus, color: color } };
    }
    draw("chart-lags", [lagTrace("across teams", "r", "low", "high", "#2563eb", -0.06),
                        lagTrace("within teams", "within_r", "within_low", "within_high", "#d97706", 0.06)],
         { xaxis: { title: { text: "lag in " + data.grain + "s (+: engagement leads)" }, dtick: 1 },
           yaxis: { title: { text: "r" }, range: [-1, 1], zeroline: true },
           shapes: [{ type: "line", x0: -3.5, x1: 3.5, y0: 0, y1: 0, line: { color: "#9ca3af", width: 1 } }] });

    // Driver importance: share of R² (bars), with r beside it in the hover.
    var drivers = data.drivers.filter(function (d) { return d.share_pct !== null && d.share_pct !== undefined; });
    if (drivers.length) {
      drivers = drivers.slice().reverse();
      draw("chart-drivers", [{ type: "bar", orientation: "h", x: drivers.map(function (d) { return d.share_pct; }),
                               y: drivers.map(function (d) { return d.label; }), marker: { color: "#2563eb" },
                               customdata: drivers.map(function (d) { return d.r === null ? "—" : d.r.toFixed(2); }),
                               hovertemplate: "%{y}: %{x:.0f} % of R²<br>r %{customdata}<extra></extra>" }],
           { xaxis: { title: { text: "share of explained variance (%)" } }, margin: { l: 110, r: 16, t: 16, b: 48 } });
    } else {
      var empty = document.getElementById("chart-drivers");
      if (empty) { empty.textContent = "Driver shares need more team-periods with every driver scored."; empty.classList.add("chart-empty"); }
    }

    // Team-by-driver heatmap.
    if (data.heatmap.teams.length && data.heatmap.drivers.length) {
      draw("chart-heatmap", [{ type: "heatmap", z: data.heatmap.z, x: data.heatmap.drivers, y: data.heatmap.teams,
                               colorscale: "Cividis", colorbar: { title: { text: "score" } },
                               hovertemplate: "%{y} · %{x}: %{z:.0f}<extra></extra>" }],
           { margin: { l: 150, r: 16, t: 16, b: 90 }, yaxis: { autorange: "reversed" },
             height: Math.max(320, 28 * data.heatmap.teams.length + 120) });
    }

    // Trends for one team at a time: engagement and the customer score (lines), stories (bars).
    var select = document.querySelector("[data-trend-select]");
    function drawTrend() {
      var t = data.trends[select ? Number(select.value) : 0];
      if (!t) { return; }
      draw("chart-trends", [
        { type: "bar", name: "proactive stories", x: t.periods, y: t.proactive, yaxis: "y3", marker: { color: "#86efac" } },
        { type: "bar", name: "recovery stories", x: t.periods, y: t.recovery, yaxis: "y3", marker: { color: "#fcd34d" } },
        { type: "scatter", mode: "lines+markers", name: "engagement", x: t.periods, y: t.engagement, line: { color: "#2563eb" } },
        { type: "scatter", mode: "lines+markers", name: data.metric, x: t.periods, y: t.customer, yaxis: "y2",
          connectgaps: false, line: { color: "#d97706" } }
      ], { barmode: "stack", xaxis: { type: "date", anchor: "y3" },
           yaxis: { title: { text: "engagement" }, domain: [0.3, 1] },
           yaxis2: { title: { text: data.metric }, overlaying: "y", side: "right", tickformat: ".0f" },
           yaxis3: { title: { text: "stories" }, domain: [0, 0.22], rangemode: "tozero", dtick: 1 },
           height: 420, margin: { l: 56, r: 56, t: 16, b: 48 } });
    }
    if (select) { select.addEventListener("change", drawTrend); }
    drawTrend();
  }
  // Charts drawn while "For analysts" was folded have no width yet: redraw them when it opens.
  var analysts = document.querySelector("[data-analysts]");
  if (analysts) {
    analysts.addEventListener("toggle", function () {
      if (analysts.open) { window.dispatchEvent(new Event("resize")); }
    });
  }
})();
