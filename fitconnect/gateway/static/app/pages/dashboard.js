// An athlete's dashboard: today's and this week's figures, fitness/fatigue/form (CTL/ATL/TSB),
// recent sessions, streak, XP, level and badges. With an athlete id: a coach's read-only view.
import { gql } from "../api.js";
import { lineChart, seconds } from "../charts.js";
import { card, duration, fmt, h, when } from "../dom.js";

const QUERY = `query($a: UUID, $today: DateTime!) {
  today: totals(since: $today, athleteId: $a) { samples avgHeartRateBpm maxPowerW }
  weeklyVolume(weeks: 1, athleteId: $a) { sessions movingTimeS distanceM tss }
  fitness(days: 90, athleteId: $a) { day ctl atl tsb }
  sessions(first: 10, athleteId: $a) { edges { node { id start durationS avgPowerW avgHeartRateBpm tss sport } } }
  progress(athleteId: $a) { xp level dailyStreak weeklyStreak }
  badges(athleteId: $a) { name awardedAt }
}`;

function tile(label, value, id) {
  return h("div", { class: "tile" }, h("div", { class: "label" }, label), h("div", { class: "value", id }, value));
}

export async function dashboard(athleteId) {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const data = await gql(QUERY, { a: athleteId, today: midnight.toISOString() });
  const week = data.weeklyVolume[data.weeklyVolume.length - 1] || { sessions: 0, movingTimeS: 0, distanceM: 0, tss: 0 };
  const progress = data.progress || { xp: 0, level: 1, dailyStreak: 0, weeklyStreak: 0 };
  const sessions = data.sessions.edges.map((e) => e.node);
  const suffix = athleteId ? `?athlete=${athleteId}` : "";
  const chart = h("div", { class: "chart", id: "fitness-chart", role: "img", "aria-label": "Fitness (CTL), fatigue (ATL) and form (TSB) over 90 days" });
  const page = h("div", {},
    h("h1", {}, athleteId ? "Athlete dashboard (read-only)" : "Your dashboard"),
    h("div", { class: "tiles" },
      tile("Samples today", fmt(data.today.samples), "today-samples"),
      tile("Sessions this week", fmt(week.sessions), "week-sessions"),
      tile("Moving time this week", duration(week.movingTimeS), "week-time"),
      tile("Load this week (TSS)", fmt(week.tss), "week-tss")),
    h("div", { class: "grid" },
      h("section", { class: "card wide" }, h("h2", {}, "Fitness, fatigue and form"), chart),
      card("Recent sessions", sessions.length
        ? h("ul", { class: "plain", id: "sessions" }, sessions.map((s) => h("li", {},
          h("a", { href: `#/session/${encodeURIComponent(s.id)}${suffix}` }, `${when(s.start)} · ${(s.sport || "workout").toLowerCase()}`),
          h("span", { class: "muted" }, ` ${duration(s.durationS)} · ${fmt(s.avgPowerW, 0, " W")} · ${fmt(s.avgHeartRateBpm, 0, " bpm")}`))))
        : h("p", { class: "muted", id: "sessions" }, "No sessions yet. Ride with a registered device and it appears here.")),
      card("Progress",
        h("p", {}, `Level ${progress.level} · ${progress.xp} XP`),
        h("p", {}, `Streak: ${progress.dailyStreak} days, ${progress.weeklyStreak} weeks`),
        data.badges.length
          ? h("ul", { class: "plain" }, data.badges.map((b) => h("li", {}, `${b.name} (${when(b.awardedAt)})`)))
          : h("p", { class: "muted" }, "No badges yet."))));
  requestAnimationFrame(() => {
    const days = data.fitness;
    const now = Date.now() / 1000;
    lineChart(chart, seconds(days.map((d) => `${d.day}T00:00:00Z`)), [
      { label: "Fitness (CTL)", values: days.map((d) => d.ctl) },
      { label: "Fatigue (ATL)", values: days.map((d) => d.atl) },
      { label: "Form (TSB)", values: days.map((d) => d.tsb) },
    ], { xRange: [now - 90 * 86400, now] });
  });
  return [page];
}
