// Devices: register one (its MQTT credentials are shown once, now), list, revoke.
import { ApiError, gql } from "../api.js";
import { card, h, when } from "../dom.js";

const KINDS = [["HEART_RATE", "Heart-rate strap"], ["POWER", "Power meter"], ["SPEED_CADENCE", "Speed/cadence sensor"],
  ["TRAINER", "Smart trainer"], ["FOOTPOD", "Footpod"], ["ROWER", "Rower"], ["OTHER", "Other"]];

export async function devices() {
  const data = await gql("{ devices(first: 100) { edges { node { id name kind registeredAt revokedAt telemetryTopic } } } }");
  const list = data.devices.edges.map((e) => e.node);
  const shown = h("div", { id: "credentials", "aria-live": "polite" });
  const message = h("p", { class: "error", role: "alert" });
  const name = h("input", { name: "name", required: true, maxlength: 100 });
  const kind = h("select", { name: "kind" }, KINDS.map(([value, label]) => h("option", { value }, label)));
  const form = h("form", {}, h("label", {}, "Name", name), h("label", {}, "Kind", kind),
    h("button", { type: "submit", class: "primary" }, "Register device"), message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    try {
      const made = (await gql(
        "mutation($n: String!, $k: DeviceKind!) { registerDevice(name: $n, kind: $k) { mqttUsername mqttPassword mqttHost mqttPort device { name telemetryTopic } } }",
        { n: name.value, k: kind.value })).registerDevice;
      shown.replaceChildren(h("div", { class: "card" },
        h("h2", {}, `Credentials of ${made.device.name}`),
        h("p", { class: "error" }, "Copy them now: they are shown only once."),
        h("p", {}, "Username ", h("span", { class: "secret" }, made.mqttUsername)),
        h("p", {}, "Password ", h("span", { class: "secret", id: "device-password" }, made.mqttPassword)),
        h("p", {}, `Broker ${made.mqttHost || "(this host)"}:${made.mqttPort || 1883}, topic ${made.device.telemetryTopic}`),
        h("button", { type: "button", onclick: () => render() }, "Done")));
    } catch (error) {
      message.textContent = error instanceof ApiError ? error.words : String(error);
    }
  });
  const rows = list.length ? h("div", { class: "scroll" }, h("table", { id: "device-list" },
    h("thead", {}, h("tr", {}, ...["Name", "Kind", "Registered", ""].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, list.map((d) => h("tr", {},
      h("td", {}, d.name), h("td", {}, d.kind.toLowerCase().replace("_", " ")), h("td", {}, when(d.registeredAt)),
      h("td", {}, d.revokedAt ? `revoked ${when(d.revokedAt)}` : h("button", {
        type: "button", "aria-label": `Revoke ${d.name}`,
        onclick: async () => { await gql("mutation($d: UUID!) { revokeDevice(deviceId: $d) }", { d: d.id }); render(); },
      }, "Revoke")))))))
    : h("p", { class: "muted" }, "No devices yet.");
  const page = h("div", {}, h("h1", {}, "Devices"), shown, h("div", { class: "grid" }, card("Register a device", form), card("Your devices", rows)));
  return [page];
}

function render() {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}
