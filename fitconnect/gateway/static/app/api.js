// The gateway's public GraphQL API, as the mobile apps use it: queries and mutations over
// HTTP POST /graphql, the live subscription over a graphql-transport-ws websocket.
// Tokens live in localStorage; an expired access token is refreshed once, silently.

const KEY = "fitconnect.tokens";

/** Words for the API's stable error codes (docs/api.md), shown instead of the code. */
const WORDS = {
  UNAUTHENTICATED: "Your e-mail or password is not right, or your session ended. Please sign in.",
  FORBIDDEN: "You are not allowed to see this.",
  NOT_FOUND: "That does not exist, or it is not yours to see.",
  VALIDATION: "Some of what you entered is not accepted.",
  RATE_LIMITED: "Too many attempts. Please wait a minute and try again.",
  WEAK_PASSWORD: "That password is too easy to guess.",
  EMAIL_TAKEN: "An account with this e-mail already exists.",
  INTERNAL: "Something went wrong on our side. Please try again.",
};

export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
  /** What the page says: our words for the code, then the server's detail when it helps. */
  get words() {
    const base = WORDS[this.code] || "The request failed.";
    const detail = this.code === "WEAK_PASSWORD" || this.code === "VALIDATION" ? ` (${this.message})` : "";
    return base + detail;
  }
}

export class Unreachable extends Error {}

export const tokens = {
  get() {
    try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch { return null; }
  },
  set(value) { localStorage.setItem(KEY, JSON.stringify(value)); },
  clear() { localStorage.removeItem(KEY); },
};

async function post(query, variables, token) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new Unreachable("FitConnect cannot be reached.");
  }
  if (response.status >= 502) throw new Unreachable("FitConnect is not answering.");
  const body = await response.json().catch(() => null);
  if (!body) throw new Unreachable("FitConnect answered with something unreadable.");
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError((first.extensions && first.extensions.code) || "INTERNAL", first.message);
  }
  return body.data;
}

let refreshing = null;

async function refresh() {
  const saved = tokens.get();
  if (!saved) throw new ApiError("UNAUTHENTICATED", "signed out");
  refreshing ||= post(
    "mutation($r: String!) { refresh(refreshToken: $r) { accessToken refreshToken expiresInS } }",
    { r: saved.refreshToken },
  ).then((d) => { tokens.set(d.refresh); return d.refresh; })
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** A query or mutation as the signed-in user (refreshing the access token once if needed). */
export async function gql(query, variables = {}) {
  const saved = tokens.get();
  try {
    return await post(query, variables, saved && saved.accessToken);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "UNAUTHENTICATED" || !saved) throw error;
    let renewed;
    try { renewed = await refresh(); } catch { tokens.clear(); throw error; }
    return post(query, variables, renewed.accessToken);
  }
}

export async function login(email, password) {
  const data = await post(
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken expiresInS } }",
    { e: email, p: password },
  );
  tokens.set(data.login);
}

export async function logout() {
  const saved = tokens.get();
  tokens.clear();
  if (saved) {
    await post("mutation($r: String!) { logout(refreshToken: $r) }", { r: saved.refreshToken })
      .catch(() => undefined);
  }
}

/** Subscribe to ``live`` (of athleteId, or the caller's own); returns a function that stops. */
export function live(athleteId, onPoint, onError) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const client = window.graphqlWs.createClient({
    url: `${scheme}://${location.host}/graphql`,
    connectionParams: () => ({ Authorization: `Bearer ${(tokens.get() || {}).accessToken}` }),
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  const stop = client.subscribe(
    {
      query: "subscription($a: UUID) { live(athleteId: $a) { deviceId ts heartRateBpm powerW cadenceRpm speedKmh } }",
      variables: { a: athleteId || null },
    },
    {
      next: (message) => {
        if (message.errors && message.errors.length) {
          const first = message.errors[0];
          onError(new ApiError((first.extensions && first.extensions.code) || "INTERNAL", first.message));
        } else if (message.data) {
          onPoint(message.data.live);
        }
      },
      error: (error) => onError(error instanceof Error ? error : new Unreachable("live data stopped")),
      complete: () => undefined,
    },
  );
  return () => { stop(); client.dispose(); };
}
