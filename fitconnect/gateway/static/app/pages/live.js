// The live view while riding: tiles that update from the ``live`` subscription as each sample
// arrives, and the last five minutes as a chart. Fixed-width tiles: no layout shift.
import { ApiError, live } from "../api.js";
import { h } from "../dom.js";
import { lineChart } from "../charts.js";

const METRICS = [["powerW", "Power", "W"], ["heartRateBpm", "Heart rate", "bpm"], ["cadenceRpm", "Cadence", "rpm"], ["speedKmh", "Speed", "km/h"]];
const WINDOW_S = 300;

export async function livePage(athleteId) {
  const values = Object.fromEntries(METRICS.map(([key]) => [key, h("span", { class: "value", id: `live-${key}` }, "–")]));
  const state = h("p", { class: "muted", id: "live-state", role: "status" }, "Waiting for the first sample…");
  const chart = h("div", { class: "chart", id: "live-chart", role: "img", "aria-label": "Power and heart rate, last five minutes" });
  const page = h("div", {}, h("h1", {}, athleteId ? "Athlete live (read-only)" : "Live"), state,
    h("div", { class: "tiles" }, METRICS.map(([key, label, unit]) =>
      h("div", { class: "tile" }, h("div", { class: "label" }, `${label} (${unit})`), values[key]))),
    h("section", { class: "card" }, h("h2", {}, "Last five minutes"), chart));
  const x = []; const power = []; const heart = [];
  let plot = null;
  let drawn = 0;
  const stop = live(athleteId, (point) => {
    for (const [key] of METRICS) {
      if (point[key] !== null && point[key] !== undefined) values[key].textContent = Math.round(point[key]);
    }
    state.textContent = `Last sample ${new Date(point.ts).toLocaleTimeString()}`;
    x.push(Date.parse(point.ts) / 1000); power.push(point.powerW); heart.push(point.heartRateBpm);
    while (x.length && x[x.length - 1] - x[0] > WINDOW_S) { x.shift(); power.shift(); heart.shift(); }
    const now = performance.now();
    if (now - drawn > 1000) { // redraw at most once a second
      drawn = now;
      if (!plot) {
        plot = lineChart(chart, x.slice(), [{ label: "Power (W)", values: power.slice() }, { label: "Heart rate (bpm)", values: heart.slice() }],
          { xRange: (_u, _min, max) => [max - WINDOW_S, max] });
      }
      else plot.setData([x.slice(), power.slice(), heart.slice()]);
    }
  }, (error) => {
    state.textContent = error instanceof ApiError ? error.words : "Live data interrupted; reconnecting…";
  });
  return [page, stop];
}
