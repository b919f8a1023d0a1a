// The in-app notifications, newest first; marking one read.
import { gql } from "../api.js";
import { h, when } from "../dom.js";

export async function notifications() {
  const data = await gql("{ notifications(first: 50) { edges { node { id title body createdAt read } } } }");
  const items = data.notifications.edges.map((e) => e.node);
  return [h("div", {}, h("h1", {}, "Notifications"), items.length
    ? h("ul", { class: "plain", id: "notifications" }, items.map((n) => h("li", {},
      h("strong", {}, n.title), h("span", { class: "muted" }, ` · ${when(n.createdAt)}`), h("p", {}, n.body),
      n.read ? null : h("button", { type: "button", onclick: async (event) => {
        await gql("mutation($n: ID!) { markNotificationRead(notificationId: $n) }", { n: n.id });
        event.target.remove();
      } }, "Mark read"))))
    : h("p", { class: "muted" }, "Nothing yet."))];
}
