// Sign in, or create an account (athlete or coach); errors in words.
import { ApiError, Unreachable, gql, login } from "../api.js";
import { h } from "../dom.js";

export async function signIn(onSignedIn) {
  const message = h("p", { class: "error", role: "alert", id: "signin-error" });
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const name = h("input", { type: "text", name: "displayName", autocomplete: "name" });
  const role = h("select", { name: "role" }, h("option", { value: "ATHLETE" }, "Athlete"), h("option", { value: "COACH" }, "Coach"));
  const extra = h("div", { hidden: true }, h("label", {}, "Your name", name), h("label", {}, "I am", role));
  let registering = false;
  const submit = h("button", { type: "submit", class: "primary" }, "Sign in");
  const toggle = h("button", { type: "button" }, "Create an account instead");
  toggle.addEventListener("click", () => {
    registering = !registering;
    extra.hidden = !registering;
    name.required = registering;
    submit.textContent = registering ? "Create account" : "Sign in";
    toggle.textContent = registering ? "I have an account" : "Create an account instead";
    password.autocomplete = registering ? "new-password" : "current-password";
  });
  const form = h("form", { "aria-describedby": "signin-error" },
    h("label", {}, "E-mail", email), h("label", {}, "Password", password), extra, submit, toggle, message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    submit.disabled = true;
    try {
      if (registering) {
        await gql(
          "mutation($e: String!, $p: String!, $n: String!, $r: Role!) { register(email: $e, password: $p, displayName: $n, role: $r) { id } }",
          { e: email.value, p: password.value, n: name.value, r: role.value },
        );
      }
      await login(email.value, password.value);
      onSignedIn();
    } catch (error) {
      message.textContent = error instanceof ApiError || error instanceof Unreachable
        ? (error.words || error.message) : String(error);
    } finally {
      submit.disabled = false;
    }
  });
  return [h("div", {}, h("h1", {}, "Sign in to FitConnect"),
    h("p", { class: "muted" }, "Your workouts from every sensor, live and after the ride."), form)];
}
