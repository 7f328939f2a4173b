// Sending one scan in chunks: resumes after every cut from the last byte the server confirmed.
// The protocol is the README's (Scans): announce → chunks with their SHA-256 → complete.

import { ApiError, get, post, token } from "/common/api.js";
import { ErrorCode } from "/common/wire.js";
import { sha256 as jsSha256 } from "./vendor/js-sha256/sha256.min.mjs";

const HASH_SLICE = 4 * 1024 * 1024;
const CHUNK_TIMEOUT_MS = 120000;
const CHECK_POLL_MS = 600;
// One chunk at a time, each about CHUNK_SECONDS of sending at the rate the link confirmed the
// last ones at: a cut loses at most that chunk, seconds of sending on any link (never 2 MiB).
const CHUNK_SECONDS = 1;
const FIRST_CHUNK = 64 * 1024; // before the link's rate is known
// The server answers these for a chunk that should simply be sent again.
// offline and timeout are the page's own (api.js), when no answer came
const RESEND = new Set([ErrorCode.OFFSET_MISMATCH, ErrorCode.CHUNK_CUT, ErrorCode.CHUNK_DIGEST_MISMATCH, "offline", "timeout"]);

/** SHA-256 of a Blob as bytes: Web Crypto where the page has it, the vendored js-sha256 elsewhere. */
async function digest(blob) {
  if (globalThis.crypto && crypto.subtle) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  }
  const hasher = jsSha256.create();
  for (let start = 0; start < blob.size; start += HASH_SLICE) {
    hasher.update(await blob.slice(start, start + HASH_SLICE).arrayBuffer());
  }
  return new Uint8Array(hasher.arrayBuffer());
}

const hex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
const base64 = (bytes) => btoa(String.fromCharCode(...bytes));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether sending again can cure the error (a cut, a restarting server, a damaged chunk). */
export function isRetryable(error) {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500 || RESEND.has(error.code));
}

/** PUT one chunk with XMLHttpRequest, whose upload progress events fetch() does not have. */
function putChunk(uploadId, offset, blob, chunkDigest, onSent) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", `/api/uploads/${encodeURIComponent(uploadId)}/chunks/${offset}`);
    xhr.setRequestHeader("Authorization", `Bearer ${token.get()}`);
    xhr.setRequestHeader("Content-Digest", `sha-256=:${chunkDigest}:`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.timeout = CHUNK_TIMEOUT_MS;
    xhr.upload.onprogress = (event) => onSent(event.loaded);
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: keep the status */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, { error: "offline", message: "网络中断。", message_en: "Connection lost." }));
    xhr.ontimeout = () => reject(new ApiError(0, { error: "timeout", message: "网络太慢。", message_en: "Timed out." }));
    xhr.send(blob);
  });
}

/**
 * Upload file to the case under material; report({phase, done, total, resumedAt, check}) tells
 * the page how far it got (check: the server's {step, step_number, steps, done, total} once sent). Resolves to the stored document; rejects with an ApiError the server gave
 * for a file it will not take. Cuts are retried for as long as the page stays open.
 */
export async function sendScan(caseId, file, material, report) {
  report({ phase: "hashing", done: 0, total: file.size });
  const sha256 = hex(await digest(file));
  const announce = { filename: file.name, size: file.size, sha256, material };
  const upload = await persist(report, () => post(`/api/cases/${caseId}/uploads`, announce));
  if (upload.state === "complete") {
    report({ phase: "duplicate", done: file.size, total: file.size });
    return upload.document;
  }
  await sendChunks(upload, file, report);
  report({ phase: "checking", check: null });
  const watching = watchCheck(upload.id, report);
  try {
    return (await persist(report, () => post(`/api/uploads/${upload.id}/complete`))).document;
  } finally {
    watching.stop();
  }
}

/** While the server checks the file: ask how far it got, every little while, and tell the page. */
function watchCheck(uploadId, report) {
  let timer = null;
  let stopped = false;
  const ask = async () => {
    try {
      const { check } = await get(`/api/uploads/${uploadId}`);
      if (!stopped && check) report({ phase: "checking", check });
    } catch {
      // a missed look is made up by the next one; the completion itself is what counts
    }
    if (!stopped) timer = setTimeout(ask, CHECK_POLL_MS);
  };
  timer = setTimeout(ask, CHECK_POLL_MS / 2);
  return { stop: () => { stopped = true; clearTimeout(timer); } };
}

/** Bytes for the next chunk: about CHUNK_SECONDS at `rate` (bytes/s), within what the server takes. */
function chunkLength(upload, rate) {
  const smallest = Math.min(upload.min_chunk_size ?? upload.chunk_size, upload.chunk_size);
  const wanted = rate ? Math.round(rate * CHUNK_SECONDS) : FIRST_CHUNK;
  return Math.max(smallest, Math.min(upload.chunk_size, wanted));
}

async function sendChunks(upload, file, report) {
  let offset = upload.received;
  if (offset) report({ phase: "sending", done: offset, total: file.size, resumedAt: offset });
  let failures = 0;
  let rate = 0; // bytes per second the server confirmed; the time a cut costs counts, so it shrinks after one
  let since = performance.now();
  while (offset < file.size) {
    const blob = file.slice(offset, offset + chunkLength(upload, rate));
    const start = offset;
    try {
      const chunkDigest = base64(await digest(blob));
      const sent = (bytes) => report({ phase: "sending", done: start + bytes, total: file.size });
      offset = (await putChunk(upload.id, start, blob, chunkDigest, sent)).received;
      const sample = blob.size / Math.max(0.001, (performance.now() - since) / 1000);
      rate = rate ? (rate + sample) / 2 : sample;
      since = performance.now();
      failures = 0;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      failures = await waitAfter(error, failures, report, offset, file.size);
      offset = (await persist(report, () => get(`/api/uploads/${upload.id}`))).received;
      report({ phase: "sending", done: offset, total: file.size, resumedAt: offset });
    }
  }
}

/** A request repeated through cuts and restarts until it answers (or fails for good). */
async function persist(report, attempt) {
  for (let failures = 0; ; ) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      failures = await waitAfter(error, failures, report);
    }
  }
}

/** Tell the page the link is down, wait longer after each failure in a row (up to 8 s). */
async function waitAfter(error, failures, report, done, total) {
  report({ phase: "retrying", error, done, total });
  await pause(Math.min(8000, 500 * 2 ** failures));
  return failures + 1;
}
