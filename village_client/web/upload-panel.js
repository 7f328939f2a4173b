// 上传扫描件: pick or drop the scanner's files, choose the material they show, watch them go up.
// The panel outlives redraws of the case (the same element is put back), so an upload in
// progress keeps its bar while the clerk acts on the case.

import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";
import { sendScan } from "./scan-sender.js";

const ACCEPT = ".jpg,.jpeg,.png,.tif,.tiff,.pdf,image/jpeg,image/png,image/tiff,application/pdf";
const OTHER = "other";
const MB = 1024 * 1024;

/** The upload panel for a case (null for a closed case: it takes no more scans). */
export function uploadPanel(kase) {
  if (kase.state === "closed") return null;
  const material = h("select", { name: "material" },
    kase.materials.map((m) => h("option", { value: m.name }, m.name)),
    h("option", { value: OTHER }, "其他材料 Other"));
  const list = h("ul", { class: "uploads" });
  const queue = uploadQueue(kase.id, list);
  const input = h("input", { type: "file", name: "scans", multiple: true, accept: ACCEPT, class: "file-input" });
  input.addEventListener("change", () => {
    queue.add([...input.files], material.value);
    input.value = "";
  });
  const zone = h("div", { class: "drop-zone" },
    h("p", {}, bi("把扫描件拖到这里，或者", "Drop scans here, or")),
    h("label", { class: "button" }, bi("选择文件", "Choose files"), input),
    h("p", { class: "hint" }, bi("JPEG、PNG、TIFF 或 PDF，每个文件不超过 256 MB", "JPEG, PNG, TIFF or PDF, up to 256 MB each")));
  acceptDrops(zone, (files) => queue.add(files, material.value));
  return h("section", { class: "panel scan-upload no-print" },
    h("h2", {}, bi("上传扫描件", "Send scans")),
    h("label", { class: "field" }, bi("这是哪份材料", "Which material"), material),
    zone, list);
}

function acceptDrops(zone, add) {
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    add([...event.dataTransfer.files]);
  });
}

/** Files go up one after another, so one scan does not slow the others (and the call) down. */
function uploadQueue(caseId, list) {
  let running = Promise.resolve();
  return {
    add(files, material) {
      for (const file of files) {
        const row = uploadRow(file, material);
        list.append(row.element);
        running = running.then(() => row.run(caseId));
      }
    },
  };
}

/** One file's line: name, material, a big progress bar and what is happening in words. */
function uploadRow(file, material) {
  const bar = h("progress", { max: 100, value: 0 });
  const percent = h("span", { class: "percent" }, "0%");
  const status = h("div", { class: "status" }, bi("等待上传", "Waiting"));
  const element = h("li", { class: "upload", "data-file": file.name, "data-state": "waiting" },
    h("div", { class: "upload-name" }, file.name, h("span", { class: "form" }, materialLabel(material), ` · ${(file.size / MB).toFixed(1)} MB`)),
    h("div", { class: "upload-bar" }, bar, percent), status);
  const show = (state, ...content) => {
    element.dataset.state = state;
    replace(status, ...content);
  };
  const report = ({ phase, done = 0, total = file.size, resumedAt, error, check }) => {
    const value = phase === "checking" ? checkPercent(check) : Math.floor((total ? done / total : 0) * 100);
    bar.value = value;
    percent.textContent = `${value}%`;
    if (resumedAt !== undefined) element.dataset.resumedAt = String(resumedAt);
    show(phase, phase === "checking" ? checkText(check, value) : phaseText(phase, value, error));
  };
  const run = async (caseId) => {
    try {
      const stored = await sendScan(caseId, file, material, report);
      element.dataset.document = stored.id;
      if (element.dataset.state !== "duplicate") show("done", bi("已送达审批窗口", "Delivered to the approver"));
      bar.value = 100;
      percent.textContent = "100%";
    } catch (error) {
      show("failed", errorBox(error));
    }
  };
  return { element, run };
}

const CHECK_STEPS = {
  verifying: ["核对文件是否完整", "verifying the file"],
  inspecting: ["检查每一页", "reading its pages"],
  storing: ["加密存档", "archiving it"],
};

/** The server's check as one bar from 0 to 100: its steps one after the other. */
function checkPercent(check) {
  if (!check) return 0;
  const within = check.total ? check.done / check.total : 0;
  return Math.min(99, Math.floor(((check.step_number - 1 + within) / check.steps) * 100));
}

function checkText(check, value) {
  const [zh, en] = CHECK_STEPS[check?.step] || ["开始核对", "starting"];
  const step = check ? `第 ${check.step_number} 步（共 ${check.steps} 步）：` : "";
  return bi(`已传完，服务器正在核对 ${value}% · ${step}${zh}`, `Sent; the server is checking it: ${en}`);
}

function materialLabel(material) {
  return material === OTHER ? "其他材料" : material;
}

function phaseText(phase, value, error) {
  switch (phase) {
    case "hashing": return bi("正在检查文件……", "Checking the file…");
    case "sending": return bi(`正在上传 ${value}%`, `Sending ${value}%`);
    case "retrying": return bi(`网络中断，正在重新连接，将从 ${value}% 处继续……`,
      `Connection lost (${error && error.messageEn ? error.messageEn : "offline"}); resuming at ${value}%…`);
    case "duplicate": return bi("这份文件已经上传过，无需重复上传", "Already sent: stored once");
    default: return "";
  }
}
