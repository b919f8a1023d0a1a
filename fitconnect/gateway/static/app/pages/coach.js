// A coach's pages: the linked athletes (who is live now, last session, form, a flag when the
// load jumps), and the live wall of every live athlete's power and heart rate.
import { ApiError, gql, live } from "../api.js";
import { duration, fmt, h, when } from "../dom.js";

const LIVE_WINDOW_MS = 60_000;

async function linked() {
  const links = (await gql("{ coaching { athleteId status athlete { displayName } } }")).coaching;
  return links.filter((l) => l.status === "accepted");
}

/** The figures of one athlete's row: live now, the last session, today's form, load jump. */
async function figures(athleteId) {
  const since = new Date(Date.now() - LIVE_WINDOW_MS).toISOString();
  const data = await gql(`query($a: UUID!, $s: DateTime!) {
    totals(since: $s, athleteId: $a) { samples }
    sessions(first: 1, athleteId: $a) { edges { node { start durationS } } }
    fitness(days: 42, athleteId: $a) { tss tsb }
  }`, { a: athleteId, s: since });
  const days = data.fitness;
  const lastWeek = days.slice(-7).reduce((sum, d) => sum + d.tss, 0);
  const before = days.slice(0, -7);
  const usual = before.length ? (before.reduce((sum, d) => sum + d.tss, 0) / before.length) * 7 : 0;
  return {
    live: data.totals.samples > 0,
    last: data.sessions.edges.length ? data.sessions.edges[0].node : null,
    tsb: days.length ? days[days.length - 1].tsb : null,
    // The last week's load over 1.5 times the usual week of the five before it.
    jump: usual > 0 && lastWeek > 1.5 * usual,
  };
}

export async function coach() {
  const athletes = await linked();
  const rows = await Promise.all(athletes.map(async (a) => [a, await figures(a.athleteId)]));
  return [h("div", {}, h("h1", {}, "Your athletes"), rows.length
    ? h("div", { class: "scroll" }, h("table", { id: "athletes" },
      h("thead", {}, h("tr", {}, ...["Athlete", "Now", "Last session", "Form (TSB)", "Load"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows.map(([a, f]) => h("tr", { "data-athlete": a.athleteId },
        h("td", {}, h("a", { href: `#/athlete/${a.athleteId}` }, a.athlete ? a.athlete.displayName : a.athleteId)),
        h("td", {}, f.live ? h("a", { class: "live-dot", href: `#/live/${a.athleteId}` }, "● live") : h("span", { class: "muted" }, "offline")),
        h("td", {}, f.last ? `${when(f.last.start)} (${duration(f.last.durationS)})` : "none yet"),
        h("td", {}, fmt(f.tsb, 1)),
        h("td", {}, f.jump ? h("span", { class: "flag" }, "load jumped") : "steady"))))))
    : h("p", { class: "muted" }, "No athlete has accepted your invitation yet."))];
}

export async function liveWall() {
  const athletes = await linked();
  const tiles = new Map();
  const wall = h("div", { class: "tiles", id: "wall" });
  const stops = athletes.map((a) => {
    const power = h("span", { class: "value" }, "–");
    const heart = h("span", { class: "value" }, "–");
    const tile = h("div", { class: "tile", "data-athlete": a.athleteId },
      h("div", { class: "label" }, a.athlete ? a.athlete.displayName : a.athleteId),
      h("div", {}, power, h("span", { class: "muted" }, " W")), h("div", {}, heart, h("span", { class: "muted" }, " bpm")));
    tiles.set(a.athleteId, tile);
    wall.append(tile);
    return live(a.athleteId, (point) => {
      if (point.powerW !== null) power.textContent = Math.round(point.powerW);
      if (point.heartRateBpm !== null) heart.textContent = Math.round(point.heartRateBpm);
    }, (error) => { tile.title = error instanceof ApiError ? error.words : "reconnecting"; });
  });
  return [h("div", {}, h("h1", {}, "Live wall"),
    athletes.length ? wall : h("p", { class: "muted" }, "No linked athletes."),
  ), () => stops.forEach((stop) => stop())];
}
