// The web app's shell: the hash router, the navigation for athletes and coaches, and the
// banner that says when the gateway cannot be reached (and retries).
import { ApiError, Unreachable, gql, logout, tokens } from "./api.js";
import { h } from "./dom.js";
import { signIn } from "./pages/signin.js";
import { dashboard } from "./pages/dashboard.js";
import { session } from "./pages/session.js";
import { livePage } from "./pages/live.js";
import { devices } from "./pages/devices.js";
import { coach, liveWall } from "./pages/coach.js";
import { notifications } from "./pages/notifications.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const status = document.getElementById("status");
let me = null;
let leave = null; // what the current page stops when the user moves on (a live subscription)

const ROUTES = [
  [/^#\/signin$/, () => signIn(onSignedIn)],
  [/^#\/dashboard$/, () => dashboard(null)],
  [/^#\/athlete\/([\w-]+)$/, (id) => dashboard(id)],
  [/^#\/session\/([^/]+)$/, (id) => session(decodeURIComponent(id))],
  [/^#\/live$/, () => livePage(null)],
  [/^#\/live\/([\w-]+)$/, (id) => livePage(id)],
  [/^#\/devices$/, () => devices()],
  [/^#\/notifications$/, () => notifications()],
  [/^#\/coach$/, () => coach()],
  [/^#\/wall$/, () => liveWall()],
];

function navigation() {
  if (!me) return [];
  const links = me.role === "COACH"
    ? [["#/coach", "Athletes"], ["#/wall", "Live wall"], ["#/notifications", "Notifications"]]
    : [["#/dashboard", "Dashboard"], ["#/live", "Live"], ["#/devices", "Devices"],
      ["#/notifications", "Notifications"]];
  return [
    ...links.map(([href, text]) => h("a", { href, "aria-current": location.hash === href ? "page" : null }, text)),
    h("span", { class: "who" }, me.displayName),
    h("button", { type: "button", onclick: async () => { await logout(); me = null; go("#/signin"); } }, "Sign out"),
  ];
}

function home() {
  return me && me.role === "COACH" ? "#/coach" : "#/dashboard";
}

function go(hash) {
  if (location.hash === hash) render(); else location.hash = hash;
}

async function onSignedIn() {
  me = null;
  go("#/");
}

function say(text) {
  status.hidden = !text;
  status.textContent = text || "";
}

/** Show the page for the hash; pages are async functions returning [element, stop?]. */
async function render(attempt = 0) {
  if (leave) { leave(); leave = null; }
  const hash = location.hash || "#/";
  try {
    if (!tokens.get() && hash !== "#/signin") { go("#/signin"); return; }
    if (tokens.get() && !me) me = (await gql("{ me { id displayName role } }")).me;
    if (hash === "#/" || (hash === "#/signin" && me)) { go(home()); return; }
    nav.replaceChildren(...navigation());
    const route = ROUTES.find(([pattern]) => pattern.test(hash));
    if (!route) { main.replaceChildren(h("h1", {}, "Not found"), h("p", {}, h("a", { href: home() }, "Back home"))); return; }
    const [, page] = route;
    const [element, stop] = await page(...hash.match(route[0]).slice(1), { me });
    say("");
    main.replaceChildren(element);
    main.dataset.route = hash; // which page is shown (the browser tests wait on it)
    leave = stop || null;
  } catch (error) {
    if (error instanceof Unreachable) {
      const wait = Math.min(30, 2 ** attempt);
      say(`${error.message} Retrying in ${wait} s…`);
      setTimeout(() => render(attempt + 1), wait * 1000);
    } else if (error instanceof ApiError && error.code === "UNAUTHENTICATED") {
      tokens.clear();
      me = null;
      nav.replaceChildren();
      go("#/signin");
    } else if (error instanceof ApiError && error.code === "FORBIDDEN") {
      say("");
      main.replaceChildren(
        h("h1", {}, "Not allowed"),
        h("p", { class: "refusal", role: "alert" },
          "You are not allowed to see this athlete: only the athlete and a coach the athlete accepted can."),
        h("p", {}, h("a", { href: home() }, "Back to your page")),
      );
    } else {
      say("");
      main.replaceChildren(h("h1", {}, "Something went wrong"),
        h("p", { class: "error", role: "alert" }, error instanceof ApiError ? error.words : String(error)));
    }
  }
}

window.addEventListener("hashchange", () => render());
window.addEventListener("DOMContentLoaded", () => render());
