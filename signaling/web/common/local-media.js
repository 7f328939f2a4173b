// The camera and microphone for a call, with a plain fallback when the browser refuses them:
// camera + microphone, else the microphone alone, else nothing (the clerk still sees, hears and types).

import { INSECURE_PAGE } from "./secure-context.js";

// 640×480 at 15 frames: enough to read a face and a held-up paper; the hub's REMB lowers it on a weak link.
const CAMERA = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15, max: 20 } };

const REASONS = {
  NotAllowedError: "浏览器没有得到使用许可",
  NotFoundError: "没有找到设备",
  NotReadableError: "设备被其他程序占用",
  OverconstrainedError: "设备不支持所需的画面",
};

/** The clerk's words for why a device cannot be used. */
function reason(error) {
  return REASONS[error?.name] || "无法打开设备";
}

/**
 * Ask for the devices once, inside the click that starts or answers a call.
 * Resolves to {stream, notice, noticeEn}: notice is null when camera and microphone both work.
 */
export async function openLocalMedia() {
  if (!navigator.mediaDevices?.getUserMedia) {
    return {
      stream: new MediaStream(),
      notice: `${INSECURE_PAGE.zh}您仍可以看、听对方并打字交流。`,
      noticeEn: INSECURE_PAGE.en,
    };
  }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ video: CAMERA, audio: true }), notice: null };
  } catch (cameraError) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      return {
        stream,
        notice: `摄像头用不了（${reason(cameraError)}），这次只用声音通话，对方看不到您的画面。`,
        noticeEn: "Camera unavailable: audio only.",
      };
    } catch (microphoneError) {
      return {
        stream: new MediaStream(),
        notice: `摄像头和麦克风都用不了（${reason(microphoneError)}）。对方看不到也听不到您，您仍可以看、听对方并打字交流。`,
        noticeEn: "Neither camera nor microphone: you can watch, listen and chat.",
      };
    }
  }
}

/** Turn the devices off (the camera light goes out). */
export function closeLocalMedia(media) {
  for (const track of media?.stream.getTracks() || []) track.stop();
}
