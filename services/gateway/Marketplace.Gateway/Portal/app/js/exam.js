// Exams, the workers' training path: training items with feedback, then a timed, scored test. The items use the same
// editors as real work.
import { api, toast } from "./api.js";
import { h, card, fill, when, badge, rerender } from "./dom.js";
import { createEditor } from "./label.js";

/** Starts (or resumes) an attempt of an exam and opens it. */
export async function startExam(examId) {
  try {
    const attempt = await api(`/api/tasks/exams/${examId}/attempts`, { method: "POST" });
    location.hash = `#/exam/${attempt.id}`;
  } catch (e) {
    const id = e.problem?.attemptId;
    if (e.status === 409 && id && e.problem.currentState !== "cooldown") location.hash = `#/exam/${id}`;
    else toast(e.message, true);
  }
}

export async function examPage(view, params, attemptId) {
  const a = await api(`/api/tasks/exam-attempts/${attemptId}`);
  const head = h("div.page-head", {}, h("h1", {}, a.examName), h("span.muted", {}, `Qualification: ${a.qualification} · pass mark ${Math.round(a.passMark * 100)}%`));
  const reload = () => examPage(view, params, attemptId);
  if (a.status === "passed" || a.status === "failed") {
    fill(view, head, card("Result",
      h("p.exam-result", {}, badge(a.status, a.status === "passed" ? "ok" : "bad"), ` ${a.correct ?? 0} of ${a.total ?? 0} right (${Math.round((a.score ?? 0) * 100)}%).`),
      a.status === "passed" ? h("p", {}, `You now hold the qualification “${a.qualification}”. Orders that require it are open to you.`)
        : h("p", {}, `You may try again ${a.retakeAt ? "from " + when(a.retakeAt) : "later"}.`),
      h("a.button.primary", { href: "#/work" }, "Find work")));
    return;
  }
  const instructions = card("Instructions", h("p.instructions", { lang: "zh-CN" }, a.instructions || "—"));
  const item = a.status === "training" ? a.trainingItems.find(i => !i.answered) : a.testItems.find(i => !i.answered);
  if (!item && a.status === "training") {
    const start = h("button.primary", { type: "button", onclick: async () => {
      try { await api(`/api/tasks/exam-attempts/${attemptId}/test`, { method: "POST" }); rerender(); } catch (e) { toast(e.message, true); }
    } }, "Start the test");
    fill(view, head, card("Training done", h("p", {}, `You answered all ${a.trainingItems.length} training items. The test has ${a.timeLimitSeconds} seconds; answers are not shown until it ends.`), start), instructions);
    return;
  }
  if (!item) { // every test item answered: the attempt is being scored
    await api(`/api/tasks/exam-attempts/${attemptId}/finish`, { method: "POST" }).catch(() => null);
    return reload();
  }
  const editor = createEditor({ ...item, taskType: a.taskType, labels: a.labels, multiLabel: a.multiLabel, criteria: a.criteria, assignmentId: item.itemId });
  const error = h("p.form-error", { role: "alert", hidden: true, tabIndex: -1 });
  const feedback = h("div.feedback", { role: "status" });
  const submit = h("button.primary", { type: "button" }, "Answer ", h("kbd", {}, "Enter"));
  const list = a.status === "training" ? a.trainingItems : a.testItems;
  const position = list.indexOf(item) + 1;
  let answered = false;
  let timer = null;
  let busy = false;
  async function send() {
    if (busy) return;
    if (answered) { busy = true; rerender(); return; }
    error.hidden = true;
    let answer;
    try { answer = editor.answer(); } catch (e) { error.textContent = e.message; error.hidden = false; return; }
    try {
      if (a.status === "training") {
        const r = await api(`/api/tasks/exam-attempts/${attemptId}/training/${encodeURIComponent(item.itemId)}`, { method: "POST", body: { answer } });
        answered = true;
        fill(feedback, h(`p.notice${r.correct ? "" : ".bad"}`, {}, h("strong", {}, r.correct ? "Right. " : "Not right. "), r.detail || "", " ", r.explanation || ""));
        fill(submit, "Next ", h("kbd", {}, "Enter"));
      } else {
        busy = true; // one answer per test item: the page is replaced by the next one
        await api(`/api/tasks/exam-attempts/${attemptId}/test/${encodeURIComponent(item.itemId)}`, { method: "POST", body: { answer } });
        rerender();
      }
    } catch (e) { busy = false; error.textContent = e.message; error.hidden = false; if (e.status === 409) setTimeout(rerender, 1500); }
  }
  submit.addEventListener("click", send);
  function onKey(e) {
    const t = e.target;
    const typing = t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && !["radio", "checkbox", "button"].includes(t.type));
    if (e.key === "Enter" && (e.ctrlKey || !typing)) { e.preventDefault(); send(); return; }
    if (!typing && !answered && editor.onKey(e)) e.preventDefault();
  }
  document.addEventListener("keydown", onKey);
  const clock = h("time#exam-clock");
  if (a.status === "testing" && a.testDeadline) {
    const tick = () => {
      const left = Math.max(0, Math.round((new Date(a.testDeadline) - Date.now()) / 1000));
      clock.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      if (left === 0) { clearInterval(timer); rerender(); }
    };
    timer = setInterval(tick, 1000);
    tick();
  }
  fill(view, head,
    h("div.label-layout", {},
      h("section.card.label-main", { "aria-label": "Exam item" },
        h("p.muted", {}, `${a.status === "training" ? "Training" : "Test"} item ${position} of ${list.length}`),
        editor.el, error, feedback, h("div.actions", {}, submit)),
      h("aside.card.label-side", {}, a.status === "testing" ? h("p.lease", { role: "timer" }, "Time left ", clock) : h("p.lease", {}, "Training: you see the right answer after each item."),
        h("details", { open: true }, h("summary", {}, "Instructions"), h("p.instructions", { lang: "zh-CN" }, a.instructions || "—")))));
  (editor.focusTarget || view.querySelector(".choice"))?.setAttribute("data-autofocus", "");
  return () => { clearInterval(timer); document.removeEventListener("keydown", onKey); };
}
