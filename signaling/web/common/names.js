// The domain's words as [中文, English] pairs: states, actions, timeline events, forms, levels.

export const STATES = {
  received: ["已受理", "Received"],
  under_review: ["审查中", "Under review"],
  approved: ["已批准", "Approved"],
  supplement_requested: ["待补充材料", "Materials needed"],
  refused: ["不予批准", "Refused"],
  pending: ["承诺办结", "Pending, date promised"],
  closed: ["已办结", "Closed"],
};

export const ACTIONS = {
  start_review: ["开始审查", "Start review"],
  approve: ["批准", "Approve"],
  request_supplement: ["要求补充材料", "Request materials"],
  refuse: ["不予批准", "Refuse"],
  set_pending: ["承诺限时办结", "Promise a date"],
  submit_supplement: ["材料已补齐，重新提交", "Materials supplied, resubmit"],
  close: ["办结", "Close"],
};

export const EVENTS = {
  case_opened: ["受理办件", "Case opened"],
  case_viewed: ["查看办件", "Case viewed"],
  case_start_review: ["开始审查", "Review started"],
  case_approve: ["批准", "Approved"],
  case_request_supplement: ["一次性告知补充材料", "Materials requested"],
  case_refuse: ["不予批准", "Refused"],
  case_set_pending: ["承诺限时办结", "Date promised"],
  case_submit_supplement: ["补充材料后重新提交", "Materials supplied"],
  case_close: ["办结", "Closed"],
  case_rated: ["群众评价", "Rated"],
  review_requested: ["发起联审", "Sent to departments"],
  review_decided: ["部门审核意见", "Department opinion"],
  document_issued: ["签发文件", "Document issued"],
  document_downloaded: ["下载文件", "Document downloaded"],
  call_requested: ["发起视频连线", "Video call placed"],
  call_accepted: ["接听视频连线", "Video call answered"],
  call_joined: ["进入视频连线", "Joined the call"],
  call_left: ["离开视频连线", "Left the call"],
  call_ended: ["视频连线结束", "Call ended"],
  call_unanswered: ["视频连线无人接听", "Call not answered"],
  call_cancelled: ["取消视频连线", "Call cancelled"],
  chat_message: ["通话留言", "Chat message"],
  document_uploaded: ["收到扫描件", "Scan received"],
  document_upload_repeated: ["扫描件重复上传", "Scan sent again"],
  document_upload_refused: ["扫描件被拒收", "Scan refused"],
  document_viewed: ["查看扫描件", "Scan viewed"],
  recording_sealed: ["录像归档", "Recording archived"],
  recording_replayed: ["回放录像", "Recording replayed"],
  recording_purged: ["录像到期删除", "Recording deleted (retention)"],
  document_purged: ["文件到期删除", "Document deleted (retention)"],
  stored_file_damaged: ["文件已损坏，无法读取", "Stored file damaged"],
  snapshot_taken: ["通话截图", "Snapshot taken"],
  snapshot_viewed: ["查看截图", "Snapshot viewed"],
  mark_traced: ["泄露溯源", "Leak traced"],
  chat_watermarked: ["聊天记录加水印给查看人", "Chat marked for a viewer"],
  document_watermarked: ["文件加水印给查看人", "Marked for a viewer"],
  case_held: ["保全（设为问题件）", "Legal hold"],
  case_released: ["解除保全", "Hold released"],
};

/** Events the system keeps for its own record (views, downloads, watermarks): shown small and plain. */
export const QUIET_EVENTS = new Set(["case_viewed", "document_downloaded", "document_viewed", "document_watermarked",
  "snapshot_viewed", "chat_watermarked", "mark_traced"]);

/** What an event adds about a file: the material and the file's name (a scan, a snapshot, an issued document). */
export function fileDetail(detail) {
  const name = detail.filename ? `文件：${detail.filename}` : "";
  return [detail.material ? `材料：${detail.material === "other" ? "其他材料" : detail.material}` : "", name]
    .filter(Boolean);
}

export const REVIEW_STATES = {
  reviewing: ["审核中", "Reviewing"],
  approved: ["同意", "Agrees"],
  refused: ["不同意", "Disagrees"],
  supplement_requested: ["需补充材料", "Needs materials"],
};

export const FORMS = { original: ["原件", "original"], copy: ["复印件", "copy"] };

export const LEVELS = {
  village: ["村级事项", "Village level"],
  town: ["镇级事项", "Town level"],
  district: ["区级事项", "District level"],
};

export const HANDOVERS = {
  printed: ["已打印给群众", "Printed"],
  handed_over: ["已交给群众", "Handed over"],
};
