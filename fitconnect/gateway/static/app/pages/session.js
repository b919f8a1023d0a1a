// One session: its figures, charts of power, heart rate, cadence and speed over time (drag to
// zoom), laps, time in zones and the power curve.
import { gql } from "../api.js";
import { lineChart, seconds } from "../charts.js";
import { card, duration, fmt, h, when } from "../dom.js";

const QUERY = `query($id: ID!) { node(id: $id) { ... on Session {
  start durationS movingTimeS distanceM avgPowerW normalizedPowerW avgHeartRateBpm maxHeartRateBpm
  avgCadenceRpm avgSpeedKmh tss sport hrZoneS powerZoneS
  powerCurve { durationS powerW }
  laps { lap durationS avgPowerW avgHeartRateBpm }
  series(maxPoints: 600) { ts heartRateBpm powerW cadenceRpm speedKmh }
} } }`;

function zones(title, values) {
  if (!values || !values.length) return card(title, h("p", { class: "muted" }, "No data."));
  return card(title, h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Zone"), h("th", { scope: "col" }, "Time"))),
    h("tbody", {}, values.map((s, i) => h("tr", {}, h("td", {}, `Z${i + 1}`), h("td", {}, duration(s)))))));
}

export async function session(id) {
  const found = (await gql(QUERY, { id })).node;
  if (!found) return [h("div", {}, h("h1", {}, "Session not found"), h("p", {}, "It does not exist or it is not yours to see."))];
  const charts = [
    ["Power", "powerW", "W"], ["Heart rate", "heartRateBpm", "bpm"],
    ["Cadence", "cadenceRpm", "rpm"], ["Speed", "speedKmh", "km/h"],
  ].map(([label, key, unit]) => [label, key, unit,
    h("div", { class: "chart", id: `chart-${key}`, role: "img", "aria-label": `${label} over time` })]);
  const curve = h("div", { class: "chart", id: "chart-curve", role: "img", "aria-label": "Power curve: best average power per duration" });
  const page = h("div", {},
    h("h1", {}, `${(found.sport || "Workout").toLowerCase()} · ${when(found.start)}`),
    h("div", { class: "tiles" },
      ...[["Duration", duration(found.durationS)], ["Moving time", duration(found.movingTimeS)],
        ["Distance", fmt((found.distanceM || 0) / 1000, 2, " km")], ["TSS", fmt(found.tss)],
        ["Average power", fmt(found.avgPowerW, 0, " W")], ["Normalized power", fmt(found.normalizedPowerW, 0, " W")],
        ["Average heart rate", fmt(found.avgHeartRateBpm, 0, " bpm")], ["Average cadence", fmt(found.avgCadenceRpm, 0, " rpm")]]
        .map(([label, value]) => h("div", { class: "tile" }, h("div", { class: "label" }, label), h("div", { class: "value" }, value)))),
    h("p", { class: "muted" }, "Drag across a chart to zoom in; double-click to zoom out."),
    h("div", { class: "grid" },
      ...charts.map(([label, , , element]) => h("section", { class: "card" }, h("h2", {}, label), element)),
      card("Laps", found.laps.length
        ? h("div", { class: "scroll" }, h("table", { id: "laps" },
          h("thead", {}, h("tr", {}, ...["Lap", "Time", "Power", "Heart rate"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, found.laps.map((l) => h("tr", {}, h("td", {}, l.lap), h("td", {}, duration(l.durationS)),
            h("td", {}, fmt(l.avgPowerW, 0, " W")), h("td", {}, fmt(l.avgHeartRateBpm, 0, " bpm")))))))
        : h("p", { class: "muted" }, "No laps.")),
      zones("Heart-rate zones", found.hrZoneS),
      zones("Power zones", found.powerZoneS),
      h("section", { class: "card" }, h("h2", {}, "Power curve"), curve)));
  requestAnimationFrame(() => {
    const x = seconds(found.series.ts);
    for (const [label, key, unit, element] of charts) {
      if (found.series[key].every((v) => v === null)) {
        element.replaceChildren(h("p", { class: "muted" }, `No ${label.toLowerCase()} in this session.`));
        element.dataset.points = "0";
      } else {
        lineChart(element, x, [{ label: `${label} (${unit})`, values: found.series[key] }]);
      }
    }
    lineChart(curve, found.powerCurve.map((p) => p.durationS),
      [{ label: "Best power (W)", values: found.powerCurve.map((p) => p.powerW) }], { time: false, xLabel: "seconds" });
  });
  return [page];
}
