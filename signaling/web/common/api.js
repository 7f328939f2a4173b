// The HTTP API client: JSON in and out, the session token, and errors in plain Chinese.

const TOKEN_KEY = "cunneng.token";
const TIMEOUT_MS = 30000; // a weak village link may take a while, but not for ever
export const SIGNED_OUT = "cunneng:signed-out";

/** An API error: the server's code and its Chinese and English messages. */
export class ApiError extends Error {
  constructor(status, { error = "unknown", message = "", message_en = "" } = {}) {
    super(message || message_en || `HTTP ${status}`);
    this.status = status;
    this.code = error;
    this.messageEn = message_en;
  }
}

/** The session token of this tab (gone when the tab closes). */
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || "",
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** One API request (body: JSON-able, or a Blob sent as it is); the parsed JSON (or text), or an ApiError. */
export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (token.get()) headers.Authorization = `Bearer ${token.get()}`;
  const raw = body instanceof Blob; // a file goes as it is (POST /api/trace)
  if (body !== undefined) headers["Content-Type"] = raw ? body.type || "application/octet-stream" : "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined || raw ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (failure) {
    throw networkError(failure);
  }
  const isJson = (response.headers.get("Content-Type") || "").startsWith("application/json");
  const data = isJson ? await response.json() : await response.text();
  if (response.ok) return data;
  if (response.status === 401 && path !== "/api/login") {
    token.clear();
    window.dispatchEvent(new CustomEvent(SIGNED_OUT));
  }
  throw new ApiError(response.status, isJson ? data : {});
}

function networkError(failure) {
  if (failure.name === "TimeoutError") {
    return new ApiError(0, { error: "timeout", message: "网络太慢，等了30秒仍没有回应，请稍后重试。", message_en: "The request timed out." });
  }
  return new ApiError(0, { error: "offline", message: "连不上服务器，请检查网络后重试。", message_en: "Cannot reach the server." });
}

export const get = (path) => request("GET", path);
export const post = (path, body = {}) => request("POST", path, body);

/** Log in; keeps the token for this tab (the server also sets a cookie for links and downloads). */
export async function logIn(username, password) {
  const reply = await post("/api/login", { username, password });
  token.set(reply.token);
  return reply.account;
}

/** Log out on the server too, so the token stops working at once. */
export async function logOut() {
  try {
    if (token.get()) await post("/api/logout");
  } finally {
    token.clear();
  }
}
