// The public 核验 page: send the chosen PDF to /api/verify and show the verdict.
// The verification code comes from the page's data-code attribute (never from inline script).

import { h, replace } from "./dom.js";

const code = document.body.dataset.code || "";

function show(ok, ...children) {
  const box = document.getElementById("result");
  box.className = "box " + (ok ? "ok" : "bad");
  replace(box, ...children);
}

function verdict(result) {
  const report = result.report;
  const issued = result.registered;
  const signers = report.signatures.map((s) =>
    h("li", {}, `${s.unit_name ?? ""} ${s.approver_name ?? ""} ${s.signed_at ?? ""} ${s.ok ? "✔" : "✘"}`));
  const problems = report.problems.map((p) => h("li", {}, p.message));
  return [
    h("h2", {}, report.ok ? "✔ 签章有效,文件未被改动" : "✘ 核验未通过"),
    h("p", {}, issued
      ? `与本系统签发的${issued.kind_name}(办件 ${issued.case_number})完全一致。`
      : "本系统中没有与此文件完全一致的签发记录。"),
    h("p", {}, "签章单位:"),
    h("ul", {}, signers),
    problems.length ? h("ul", {}, problems) : null,
  ];
}

async function check(file) {
  show(true, "正在核验… ", h("span", { class: "en" }, "Checking…"));
  const query = code ? "?code=" + encodeURIComponent(code) : "";
  try {
    const reply = await fetch("/api/verify" + query,
      { method: "POST", body: file, headers: { "Content-Type": "application/pdf" } });
    const result = await reply.json();
    if (!reply.ok) {
      show(false, result.message, " ", h("span", { class: "en" }, result.message_en || ""));
      return;
    }
    show(result.report.ok, ...verdict(result));
  } catch {
    show(false, "无法连接服务器,请稍后重试。 ", h("span", { class: "en" }, "The server could not be reached."));
  }
}

document.getElementById("file").addEventListener("change", (event) => {
  const file = event.target.files[0];
  if (file) check(file);
});
