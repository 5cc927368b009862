/* Học Số — the exam page.
 *
 * The whole paper is already in the page. This script:
 *  - saves each answer in the background (POST to the save endpoint with the attempt's token), showing per
 *    question "Not saved / Saving… / Saved / Error";
 *  - keeps answers the server has not acknowledged in localStorage (per attempt) and retries them with backoff
 *    when the link comes back, so a dropping mobile connection or a reload loses nothing;
 *  - numbers every change of a question with a growing `seq`, so an older save arriving late never wins;
 *  - counts down on the server's clock and submits at zero (the server refuses late answers anyway);
 *  - pages through questions one at a time when the quiz asks for it, and asks before submitting.
 * Settings and texts come from <script type="application/json" id="exam-config"> (no inline script: CSP).
 */
(function () {
  "use strict";

  const configElement = document.getElementById("exam-config");
  const form = document.getElementById("exam-form");
  if (!configElement || !form) return;
  const cfg = JSON.parse(configElement.textContent);
  // The start button's POST answers with this page: show the attempt's own address, so that a reload or a
  // bookmark is a GET of the attempt (it resumes), not a second start.
  if (cfg.url && window.location.pathname !== cfg.url && window.history.replaceState) {
    window.history.replaceState(null, "", cfg.url);
  }
  const T = cfg.text;
  const storeKey = "hocso.exam." + cfg.attempt;
  const FIRST_RETRY_MS = 1000;
  const MAX_RETRY_MS = 30000;
  const TEXT_PAUSE_MS = 800; // typing: save once the learner pauses
  const REQUEST_TIMEOUT_MS = 15000;

  const sections = Array.from(form.querySelectorAll(".exam-q"));
  const bySlot = {};
  sections.forEach((section) => { bySlot[section.dataset.slot] = section; });
  const statusLine = document.getElementById("exam-status");
  const timer = document.getElementById("exam-timer");

  // --- the server's clock --------------------------------------------------------------------------------
  // cfg.now was read on the server while it rendered this page; compare it with when the page arrived.
  const navEntry = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  const arrivedAt = navEntry && navEntry.responseStart ? performance.timeOrigin + navEntry.responseStart : Date.now();
  const clockOffset = cfg.now - arrivedAt;
  const serverNow = () => Date.now() + clockOffset;

  // --- local state: the last seq per question, and answers the server has not acknowledged yet -------------
  const store = loadStore();

  function loadStore() {
    let data = null;
    try { data = JSON.parse(localStorage.getItem(storeKey)); } catch (e) { data = null; }
    data = data && typeof data === "object" ? data : {};
    data.seq = data.seq || {};
    data.pending = data.pending || {};
    Object.keys(cfg.saved).forEach((slot) => {
      // Count on from what the server holds (a reload, or another device that saved in between).
      data.seq[slot] = Math.max(data.seq[slot] || 0, cfg.saved[slot]);
      if (data.pending[slot] && data.pending[slot].seq <= cfg.saved[slot]) delete data.pending[slot];
    });
    return data;
  }

  function persist() {
    try { localStorage.setItem(storeKey, JSON.stringify(store)); } catch (e) { /* private mode: memory only */ }
  }

  function nextSeq(slot) {
    // Monotonic per question; tied to the server clock (tenths of a second) so that two devices
    // answering the same question one after the other are also ordered.
    const seq = Math.max((store.seq[slot] || 0) + 1, Math.floor(serverNow() / 100 - cfg.startedAt / 100));
    store.seq[slot] = seq;
    return seq;
  }

  // --- reading and writing a question's answer -------------------------------------------------------------
  function readResponse(section) {
    const type = section.dataset.qtype;
    const name = "q" + section.dataset.slot;
    const checked = Array.from(section.querySelectorAll("input[name='" + name + "']:checked"));
    if (type === "single") return checked.length ? { choice: checked[0].value } : {};
    if (type === "multiple") return { choices: checked.map((input) => input.value) };
    if (type === "truefalse") return checked.length ? { value: checked[0].value === "true" } : {};
    if (type === "matching") {
      const pairs = {};
      section.querySelectorAll("select[data-left]").forEach((select) => {
        if (select.value) pairs[select.dataset.left] = select.value;
      });
      return { pairs: pairs };
    }
    return { text: section.querySelector("[name='" + name + "']").value };
  }

  function writeResponse(section, response) {
    const type = section.dataset.qtype;
    const r = response || {};
    if (type === "matching") {
      section.querySelectorAll("select[data-left]").forEach((select) => {
        select.value = (r.pairs || {})[select.dataset.left] || "";
      });
      return;
    }
    const inputs = section.querySelectorAll("input[name='q" + section.dataset.slot + "']");
    inputs.forEach((input) => {
      if (type === "single") input.checked = input.value === r.choice;
      else if (type === "multiple") input.checked = (r.choices || []).indexOf(input.value) >= 0;
      else if (type === "truefalse") input.checked = typeof r.value === "boolean" && input.value === String(r.value);
      else input.value = r.text || "";
    });
    if (type === "essay") section.querySelector("textarea").value = r.text || "";
  }

  function isAnswered(section) {
    const r = readResponse(section);
    if (section.dataset.qtype === "single") return !!r.choice;
    if (section.dataset.qtype === "multiple") return r.choices.length > 0;
    if (section.dataset.qtype === "truefalse") return typeof r.value === "boolean";
    if (section.dataset.qtype === "matching") return Object.keys(r.pairs).length > 0;
    return r.text.trim() !== "";
  }

  // --- what the learner sees per question --------------------------------------------------------------------
  function show(slot, state) {
    const section = bySlot[slot];
    const label = section.querySelector(".save-state");
    label.dataset.state = state;
    label.textContent = T[state];
    const navItem = document.querySelector(".exam-nav-item[data-slot='" + slot + "']");
    if (navItem) {
      navItem.classList.toggle("answered", isAnswered(section));
      navItem.classList.toggle("unsaved", state !== "saved" && state !== "idle");
    }
  }

  function say(text) {
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }

  function updateWordCount(section) {
    const counter = section.querySelector("[data-word-count]");
    if (!counter) return;
    const text = section.querySelector("textarea").value.trim();
    counter.textContent = T.words.replace("%(count)s", text ? text.split(/\s+/).length : 0);
  }

  // --- saving ----------------------------------------------------------------------------------------------
  const inFlight = {}; // slot -> a save is on its way
  const typingTimers = {}; // slot -> timer that saves once the learner pauses typing
  let retryDelay = FIRST_RETRY_MS;
  let retryTimer = null;
  let finished = false; // submitted (or being submitted): no more saves

  function answerChanged(section) {
    if (finished) return;
    const slot = section.dataset.slot;
    store.pending[slot] = { seq: nextSeq(slot), response: readResponse(section) };
    persist();
    show(slot, "unsaved");
    send(slot);
  }

  function send(slot) {
    const item = store.pending[slot];
    if (!item || inFlight[slot] || finished) return;
    if (navigator.onLine === false) { // no point trying: wait for the "online" event (or the retry timer)
      show(slot, "unsaved");
      say(T.offline);
      scheduleRetry();
      return;
    }
    inFlight[slot] = true;
    show(slot, "saving");
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    fetch(cfg.saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Attempt-Token": cfg.token },
      body: JSON.stringify({ slot: Number(slot), seq: item.seq, response: item.response }),
      credentials: "omit", // the token is the credential; no cookies needed
      signal: controller.signal,
    })
      // A reply that is not ours (a proxy's error page) has no JSON: judged by its status alone.
      .then((res) => res.text().then((text) => {
        let body = {};
        try { body = JSON.parse(text); } catch (e) { /* not JSON */ }
        return { status: res.status, body: body };
      }))
      .then(({ status, body }) => {
        clearTimeout(timeout);
        inFlight[slot] = false;
        if (status === 200) {
          retryDelay = FIRST_RETRY_MS;
          const current = store.pending[slot];
          if (current && current.seq <= body.seq) {
            delete store.pending[slot];
            persist();
            show(slot, "saved");
            if (!Object.keys(store.pending).length) say("");
          } else {
            send(slot); // changed again while this save was on its way
          }
        } else if (status === 409) {
          refused(body.error);
        } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
          // Refused for good (404, 422, a 400 for bad input): say so rather than retry forever. A timeout (408)
          // or a busy server (429, and every 5xx) is worth another try.
          delete store.pending[slot];
          persist();
          show(slot, "error");
          say(body.error ? body.error.message : T.error);
        } else {
          throw new Error("HTTP " + status); // server trouble: retry later
        }
      })
      .catch(() => {
        clearTimeout(timeout);
        inFlight[slot] = false;
        const offline = navigator.onLine === false;
        show(slot, offline ? "unsaved" : "error");
        if (offline) say(T.offline);
        scheduleRetry();
      });
  }

  function flush() {
    Object.keys(store.pending).forEach(send);
  }

  function scheduleRetry() {
    if (retryTimer || finished) return;
    retryTimer = setTimeout(() => { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
  }

  function retryNow() {
    clearTimeout(retryTimer);
    retryTimer = null;
    retryDelay = FIRST_RETRY_MS;
    say("");
    if (submitting) sendSubmit(); else flush();
  }

  function refused(error) {
    // 409: the attempt no longer takes answers. Submitted elsewhere (another tab): show the result.
    // Time is up: submit what is here, the server keeps what arrived in time.
    if (submitting) return; // our own submit is on its way and will show the result
    say(error && error.message);
    if (error && error.code === "submitted") {
      finished = true;
      forget();
      window.location.assign(cfg.resultUrl);
    } else {
      submit(true);
    }
  }

  // --- submitting -------------------------------------------------------------------------------------------
  let submitting = false;
  let autoSubmit = false;
  const dialog = document.getElementById("exam-confirm");

  function forget() {
    try { localStorage.removeItem(storeKey); } catch (e) { /* nothing stored */ }
  }

  function sendTyping() {
    Object.keys(typingTimers).forEach((slot) => { if (typingTimers[slot]) typed(slot); });
  }

  function askToSubmit() {
    sendTyping();
    const missing = sections.filter((s) => !isAnswered(s)).map((s) => s.dataset.slot);
    dialog.querySelector("[data-unanswered-list]").textContent = missing.join(", ");
    dialog.querySelector("[data-unanswered-text]").hidden = !missing.length;
    dialog.querySelector("[data-all-answered]").hidden = missing.length > 0;
    dialog.querySelector("[data-unsaved-text]").hidden = !Object.keys(store.pending).length;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else if (window.confirm(dialog.textContent.replace(/\s+/g, " ").trim())) submit(false);
  }

  function submit(auto) {
    if (submitting) return;
    sendTyping();
    submitting = true;
    autoSubmit = auto;
    finished = true;
    say(auto ? T.timeUp : T.submitting);
    form.querySelectorAll("input, select, textarea, button").forEach((el) => { el.disabled = true; });
    document.querySelectorAll("[data-submit]").forEach((el) => { el.disabled = true; });
    sendSubmit();
  }

  function sendSubmit() {
    // Answers not acknowledged yet travel with the submit; the server applies the same seq rule to them.
    const pending = Object.keys(store.pending).map((slot) => ({
      slot: Number(slot), seq: store.pending[slot].seq, response: store.pending[slot].response,
    }));
    // Authorised by the attempt's token, as the saves are: a submit works even if the session has expired.
    fetch(cfg.submitUrl, { method: "POST", body: JSON.stringify({ pending: pending, auto: autoSubmit }),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Attempt-Token": cfg.token },
      credentials: "same-origin" })
      .then((res) => {
        // Refused for good (no such attempt, a body the server cannot read): the result page tells where it stands.
        if (res.status >= 400 && res.status < 500 && res.status !== 429) return { result_url: cfg.resultUrl };
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      })
      .then((result) => {
        if (result.ok) forget(); // the server has everything now
        window.location.assign(result.result_url || cfg.resultUrl);
      })
      .catch(() => {
        say(T.submitOffline);
        setTimeout(sendSubmit, retryDelay);
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
      });
  }

  // --- the countdown -------------------------------------------------------------------------------------------
  function two(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    const left = Math.max(0, cfg.deadline - serverNow());
    const seconds = Math.ceil(left / 1000);
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    timer.textContent = (h ? h + ":" + two(m) : m) + ":" + two(seconds % 60);
    timer.classList.toggle("low", left < 5 * 60 * 1000);
    if (left <= 0) {
      clearInterval(clock);
      submit(true);
    }
  }
  let clock = null;
  if (cfg.deadline) {
    tick();
    clock = setInterval(tick, 1000);
  } else {
    timer.textContent = T.noTimeLimit;
  }

  // --- one question per page ------------------------------------------------------------------------------------
  let current = 0;
  const pager = form.querySelector(".exam-pager");

  function goTo(index) {
    current = Math.max(0, Math.min(sections.length - 1, index));
    sections.forEach((section, i) => { section.hidden = i !== current; });
    pager.querySelector("[data-prev]").disabled = current === 0;
    pager.querySelector("[data-next]").disabled = current === sections.length - 1;
    pager.querySelector("[data-page-label]").textContent = T.pageOf
      .replace("%(number)s", current + 1).replace("%(total)s", sections.length);
    document.querySelectorAll(".exam-nav-item[data-slot]").forEach((item) => {
      item.classList.toggle("current", item.dataset.slot === sections[current].dataset.slot);
    });
  }

  if (cfg.paged && sections.length) {
    pager.hidden = false;
    pager.querySelector("[data-prev]").addEventListener("click", () => goTo(current - 1));
    pager.querySelector("[data-next]").addEventListener("click", () => goTo(current + 1));
    goTo(0);
  }

  // --- wiring ------------------------------------------------------------------------------------------------------
  function typed(slot) { // send what was typed now rather than after the pause
    clearTimeout(typingTimers[slot]);
    typingTimers[slot] = null;
    answerChanged(bySlot[slot]);
  }
  form.addEventListener("input", (event) => {
    const section = event.target.closest(".exam-q");
    if (!section || !event.target.matches("input[type=text], textarea")) return;
    const slot = section.dataset.slot;
    updateWordCount(section);
    show(slot, "unsaved");
    clearTimeout(typingTimers[slot]);
    typingTimers[slot] = setTimeout(() => typed(slot), TEXT_PAUSE_MS);
  });
  form.addEventListener("change", (event) => {
    const section = event.target.closest(".exam-q");
    if (!section) return;
    const slot = section.dataset.slot;
    if (event.target.matches("input[type=text], textarea")) {
      if (typingTimers[slot]) typed(slot); // leaving the field: no need to wait (if not already sent)
      return;
    }
    answerChanged(section);
  });
  form.addEventListener("click", (event) => {
    const clear = event.target.closest("[data-clear]");
    if (!clear) return;
    const section = clear.closest(".exam-q");
    section.querySelectorAll("input:checked").forEach((input) => { input.checked = false; });
    answerChanged(section);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    askToSubmit();
  });
  document.querySelectorAll("[data-submit]").forEach((button) => button.addEventListener("click", askToSubmit));
  dialog.querySelector("[data-confirm]").addEventListener("click", () => { dialog.close(); submit(false); });
  dialog.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());
  document.querySelectorAll(".exam-nav-item[data-slot]").forEach((item) => {
    item.addEventListener("click", (event) => {
      if (!cfg.paged) return; // all on one page: the link scrolls to the question
      event.preventDefault();
      goTo(sections.indexOf(bySlot[item.dataset.slot]));
    });
  });
  window.addEventListener("online", retryNow);
  window.addEventListener("offline", () => say(T.offline));
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload(); // restored from the back/forward cache: fetch a fresh state
  });
  window.addEventListener("beforeunload", (event) => {
    if (!finished && Object.keys(store.pending).length) event.preventDefault();
  });

  // Answers given here before a reload or while offline, and not saved yet, come back and are sent again.
  Object.keys(store.pending).forEach((slot) => {
    if (!bySlot[slot]) { delete store.pending[slot]; return; }
    writeResponse(bySlot[slot], store.pending[slot].response);
    show(slot, "unsaved");
  });
  persist();
  sections.forEach(updateWordCount);
  flush();
})();
