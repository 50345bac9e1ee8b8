/*
 * quizapp answering pages: autosave, an offline queue and one question a screen.
 *
 * Progressive enhancement only: without this script every page works as a plain form
 * (each "next" posts the answer and the server moves on). With it:
 * - answers are saved as they are chosen: every pending answer of the sitting goes in one
 *   request (JSON {"answers": [...]}, CSRF token in X-CSRFToken), sent once the member has
 *   paused for a moment, at once on 交卷 and when the page is hidden (a keepalive request that
 *   outlives the page);
 * - unsent answers wait in localStorage (key "quizapp:attempt:<id>") and are retried until
 *   they are saved; a banner says so while the network is down; a reload or a reopened
 *   browser sends them;
 * - each answer carries a sequence number (milliseconds, always rising) so a late, stale
 *   save is refused by the server rather than overwriting a newer one;
 * - back/next/题目列表 switch questions in the page, so answering goes on offline.
 */
(function () {
  "use strict";

  var STORE_PREFIX = "quizapp:attempt:";
  var MAX_DELAY = 15000;
  var DEBOUNCE = 600;      // ms of quiet before the pending answers are sent together
  var MAX_BATCH = 100;     // answers a request (the server takes up to 200)
  var memoryStore = {};

  // ---- pending answers, shared by every tab through localStorage --------------------------

  function storeGet(attemptId) {
    var key = STORE_PREFIX + attemptId;
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : {};
    } catch (e) {
      return memoryStore[key] || {};
    }
  }

  function storeSet(attemptId, pending) {
    var key = STORE_PREFIX + attemptId;
    memoryStore[key] = pending;
    try {
      if (Object.keys(pending).length) {
        window.localStorage.setItem(key, JSON.stringify(pending));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (e) { /* private mode: the in-memory copy lasts as long as the page */ }
  }

  function storeClear(attemptId) {
    storeSet(attemptId, {});
  }

  function show(el, visible) {
    if (el) { el.hidden = !visible; }
  }

  function role(name) {
    return document.querySelector('[data-role="' + name + '"]');
  }

  // ---- the sync engine ---------------------------------------------------------------------

  function Syncer(root) {
    this.attemptId = root.getAttribute("data-quiz-attempt");
    this.saveUrl = root.getAttribute("data-save-url");
    this.stateUrl = root.getAttribute("data-state-url");
    var tokenInput = document.querySelector('input[name="csrf_token"]');
    this.token = tokenInput ? tokenInput.value : "";
    this.lastSeq = 0;
    this.sending = false;
    this.delay = 1000;
    this.timer = null;
    this.debounce = null;
    this.stopped = false;
    this.onSaved = function () {};
    this.onIdle = [];
    var self = this;
    window.addEventListener("online", function () { self.retryNow(); });
    window.addEventListener("offline", function () { self.setOffline(true); });
    // Leaving, switching apps, locking the phone: send what is pending now, in a request that
    // outlives the page.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { self.sendBeforeHiding(); }
    });
    window.addEventListener("pagehide", function () { self.sendBeforeHiding(); });
  }

  Syncer.prototype.pendingCount = function () {
    return Object.keys(storeGet(this.attemptId)).length;
  };

  Syncer.prototype.queue = function (questionId, response, serverSeq) {
    var pending = storeGet(this.attemptId);
    var previous = pending[questionId] ? pending[questionId].seq : 0;
    var seq = Math.max(Date.now(), this.lastSeq + 1, previous + 1, (serverSeq || 0) + 1);
    this.lastSeq = seq;
    pending[questionId] = { response: response, seq: seq };
    storeSet(this.attemptId, pending);
    this.status("保存中…");
    var self = this;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(function () { self.debounce = null; self.flush(); }, DEBOUNCE);
  };

  Syncer.prototype.setOffline = function (offline) {
    show(role("offline-banner"), offline);
    if (offline) { this.status("有 " + this.pendingCount() + " 题答案待同步"); }
  };

  Syncer.prototype.status = function (text) {
    var el = role("status");
    if (el) { el.textContent = text; }
  };

  Syncer.prototype.retryNow = function () {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.debounce) { clearTimeout(this.debounce); this.debounce = null; }
    this.delay = 1000;
    if (!this.pendingCount()) { this.setOffline(false); }
    this.flush();
  };

  Syncer.prototype.retryLater = function () {
    var self = this;
    if (this.timer || this.stopped) { return; }
    this.timer = setTimeout(function () { self.timer = null; self.flush(); }, this.delay);
    this.delay = Math.min(this.delay * 2, MAX_DELAY);
  };

  Syncer.prototype.idle = function () {
    var waiting = this.onIdle;
    this.onIdle = [];
    var left = this.pendingCount();
    if (!left && this.didSend) { this.status("答案已保存"); }
    waiting.forEach(function (resolve) { resolve(left); });
  };

  // Resolves with the number of answers still unsent once no request is in flight.
  Syncer.prototype.settle = function () {
    var self = this;
    return new Promise(function (resolve) {
      self.onIdle.push(resolve);
      if (self.debounce) { clearTimeout(self.debounce); self.debounce = null; }
      if (!self.sending) { self.flush(); }
    });
  };

  // The pending answers as the request's entries (at most MAX_BATCH).
  Syncer.prototype.batch = function () {
    var pending = storeGet(this.attemptId);
    return Object.keys(pending).slice(0, MAX_BATCH).map(function (questionId) {
      return { question_id: Number(questionId), response: pending[questionId].response,
               seq: pending[questionId].seq };
    });
  };

  Syncer.prototype.flush = function () {
    if (this.sending || this.stopped) { return; }
    var entries = this.batch();
    if (!entries.length) { this.idle(); return; }
    this.sending = true;
    this.didSend = true;
    this.send(entries, false);
  };

  // An entry the server has answered leaves the queue, unless a newer answer replaced it.
  Syncer.prototype.finish = function (questionId, seq) {
    var pending = storeGet(this.attemptId);
    if (pending[questionId] && pending[questionId].seq === seq) {
      delete pending[questionId];
      storeSet(this.attemptId, pending);
    }
  };

  Syncer.prototype.post = function (entries, keepalive) {
    return fetch(this.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: keepalive,
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": this.token
      },
      body: JSON.stringify({ answers: entries })
    });
  };

  Syncer.prototype.send = function (entries, tokenRefreshed) {
    var self = this;
    this.post(entries, false).then(function (res) {
      var json = (res.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (res.redirected && res.url.indexOf("/auth/") !== -1) { return self.loggedOut(); }
      if ((!json || res.headers.get("X-CSRF-Refused")) && res.status === 400 && !tokenRefreshed) {
        return self.refreshToken().then(function () { self.send(entries, true); });
      }
      if (!json || res.status >= 500) { return self.failed(); }
      return res.json().then(function (body) { self.answered(entries, res.status, body); });
    }).catch(function () {
      self.failed();
    });
  };

  // The page is being hidden: whatever is pending goes now, even while a request is in flight
  // (an answer the two both carry is stored once: the second is refused as stale).
  Syncer.prototype.sendBeforeHiding = function () {
    if (this.stopped) { return; }
    var entries = this.batch();
    if (!entries.length) { return; }
    if (this.debounce) { clearTimeout(this.debounce); this.debounce = null; }
    var self = this;
    this.post(entries, true).then(function (res) {
      var json = (res.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (json && res.status === 200) {
        return res.json().then(function (body) { self.settleEntries(entries, body); });
      }
    }).catch(function () { /* still pending: sent again when the page is back */ });
  };

  // Each entry of a 200 reply: saved ones are marked on the page, refused ones leave the
  // queue (a stale one has a newer answer on the server; any other cannot be saved).
  Syncer.prototype.settleEntries = function (entries, body) {
    var self = this;
    var sent = {};
    entries.forEach(function (entry) { sent[entry.question_id] = entry.seq; });
    (body.results || []).forEach(function (result) {
      var questionId = String(result.question_id);
      if (!(result.question_id in sent)) { return; }
      self.finish(questionId, sent[result.question_id]);
      if (result.ok) {
        self.onSaved(questionId, result.seq);
      } else if (!result.stale) {
        self.status(result.message || "保存失败");
      }
    });
  };

  Syncer.prototype.answered = function (entries, status, body) {
    var self = this;
    this.sending = false;
    this.delay = 1000;
    this.setOffline(false);
    if (status === 409 && body.closed) {
      storeClear(this.attemptId);
      this.stopped = true;
      var banner = role("closed-banner");
      if (banner) { banner.textContent = body.message; show(banner, true); }
      this.idle();
      return;
    }
    if (status === 200) {
      this.settleEntries(entries, body);
    } else {  // refused whole (not this member's attempt, a malformed request): not retried
      entries.forEach(function (entry) { self.finish(String(entry.question_id), entry.seq); });
      this.status(body.message || "保存失败");
    }
    this.flush();
  };

  Syncer.prototype.failed = function () {
    this.sending = false;
    this.setOffline(true);
    this.retryLater();
    this.idle();
  };

  Syncer.prototype.loggedOut = function () {
    this.sending = false;
    this.stopped = true;
    show(role("login-banner"), true);
    this.idle();
  };

  Syncer.prototype.refreshToken = function () {
    var self = this;
    return fetch(this.stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (res) { return res.json(); })
      .then(function (body) { if (body.csrf_token) { self.token = body.csrf_token; } });
  };

  // ---- the answering page --------------------------------------------------------------------

  function readResponse(section) {
    var type = section.getAttribute("data-type");
    var inputs = Array.prototype.slice.call(section.querySelectorAll("input[name^='answer-']"));
    if (type === "fill") {
      return inputs.map(function (input) { return input.value; });
    }
    var checked = inputs.filter(function (input) { return input.checked; });
    if (type === "multiple") {
      return checked.map(function (input) { return Number(input.value); });
    }
    if (!checked.length) { return null; }
    return type === "judge" ? checked[0].value === "true" : Number(checked[0].value);
  }

  function writeResponse(section, response) {
    var type = section.getAttribute("data-type");
    var inputs = Array.prototype.slice.call(section.querySelectorAll("input[name^='answer-']"));
    if (type === "fill") {
      inputs.forEach(function (input, i) { input.value = (response && response[i]) || ""; });
      return;
    }
    var chosen = response === null ? [] : [].concat(response).map(String);
    inputs.forEach(function (input) { input.checked = chosen.indexOf(input.value) !== -1; });
  }

  function isAnswered(section) {
    var response = readResponse(section);
    if (response === null) { return false; }
    if (Array.isArray(response)) {
      return response.some(function (value) { return String(value).trim() !== ""; });
    }
    return true;
  }

  function AnsweringPage(form) {
    this.form = form;
    this.sections = Array.prototype.slice.call(form.querySelectorAll(".quiz-question"));
    this.total = this.sections.length;
    this.current = Number(form.elements.position.value);
    this.submitUrl = form.getAttribute("data-submit-url");
    this.sync = new Syncer(form);
    this.typing = {};
    var self = this;
    this.sync.onSaved = function (questionId, seq) {
      var section = self.section(questionId);
      if (section) { section.setAttribute("data-seq", String(seq)); }
    };
    this.restore();
    form.addEventListener("change", function (event) { self.changed(event.target, true); });
    form.addEventListener("input", function (event) {
      if (event.target.type === "text") { self.changed(event.target, false); }
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-nav]");
      if (button) { event.preventDefault(); self.navigate(button.getAttribute("data-nav")); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();  // Enter in a blank
      self.navigate("next");
    });
    this.refresh();
    this.sync.flush();
  }

  AnsweringPage.prototype.section = function (questionId) {
    return this.form.querySelector('.quiz-question[data-question="' + questionId + '"]');
  };

  // Answers kept in this browser but newer than the server's are put back on screen.
  AnsweringPage.prototype.restore = function () {
    var pending = storeGet(this.sync.attemptId);
    var self = this;
    Object.keys(pending).forEach(function (questionId) {
      var section = self.section(questionId);
      if (!section) { delete pending[questionId]; return; }
      if (pending[questionId].seq > Number(section.getAttribute("data-seq"))) {
        writeResponse(section, pending[questionId].response);
      } else {
        delete pending[questionId];
      }
    });
    storeSet(this.sync.attemptId, pending);
  };

  AnsweringPage.prototype.changed = function (input, now) {
    var section = input.closest(".quiz-question");
    if (!section) { return; }
    var self = this;
    var questionId = section.getAttribute("data-question");
    clearTimeout(this.typing[questionId]);
    delete this.typing[questionId];
    if (input.type === "text" && !now) {  // typing: save when the member pauses
      this.typing[questionId] = setTimeout(function () { self.save(section); }, 800);
      return;
    }
    this.save(section);
  };

  AnsweringPage.prototype.save = function (section) {
    var questionId = section.getAttribute("data-question");
    delete this.typing[questionId];
    this.sync.queue(questionId, readResponse(section), Number(section.getAttribute("data-seq")));
    this.refresh();
  };

  AnsweringPage.prototype.saveTyping = function () {
    var self = this;
    Object.keys(this.typing).forEach(function (questionId) {
      clearTimeout(self.typing[questionId]);
      self.save(self.section(questionId));
    });
  };

  AnsweringPage.prototype.navigate = function (target) {
    this.saveTyping();
    if (target === "check") {
      this.goCheck();
      return;
    }
    if (target === "submit" || (target === "next" && this.current === this.total)) {
      this.goSubmit();
      return;
    }
    var position = target === "prev" ? this.current - 1 : target === "next" ? this.current + 1 : Number(target);
    if (!(position >= 1 && position <= this.total)) { return; }
    this.current = position;
    this.form.elements.position.value = String(position);
    var url = this.form.action.replace(/\/q\/\d+$/, "/q/" + position);
    window.history.replaceState(null, "", url);
    document.title = document.title.replace(/第 \d+ 题/, "第 " + position + " 题");
    var list = this.form.querySelector(".quiz-list");
    if (list) { list.open = false; }
    this.refresh();
    window.scrollTo(0, 0);
  };

  // A practice's 核对答案: once the answer is on the server, the page shows right or wrong.
  AnsweringPage.prototype.goCheck = function () {
    var self = this;
    this.sync.status("正在保存答案…");
    this.sync.settle().then(function (left) {
      if (left) {
        self.sync.setOffline(true);
        self.sync.status("答案还未同步，联网后才能核对");
        return;
      }
      window.location.href = self.form.action.replace(/\/q\/\d+$/, "/q/" + self.current) + "?check=1";
    });
  };

  AnsweringPage.prototype.goSubmit = function () {
    var self = this;
    this.sync.status("正在同步答案…");
    this.sync.settle().then(function (left) {
      if (left) {
        self.sync.setOffline(true);
        self.sync.status("还有 " + left + " 题答案未同步，联网后才能交卷");
        return;
      }
      window.location.href = self.submitUrl;
    });
  };

  AnsweringPage.prototype.refresh = function () {
    var self = this;
    var answered = 0;
    this.sections.forEach(function (section) {
      var position = Number(section.getAttribute("data-position"));
      var done = isAnswered(section);
      answered += done ? 1 : 0;
      section.hidden = position !== self.current;
      var cell = self.form.querySelector('.quiz-grid [data-nav="' + position + '"]');
      if (cell) {
        cell.classList.toggle("btn-secondary", done);
        cell.classList.toggle("btn-outline-secondary", !done);
        cell.classList.toggle("quiz-here", position === self.current);
      }
    });
    var count = role("answered");
    if (count) { count.textContent = "已答 " + answered + "/" + this.total; }
    var bar = role("progress");
    if (bar) { bar.value = answered; bar.textContent = answered + "/" + this.total; }
    var prev = this.form.querySelector('[data-nav="prev"]');
    var next = this.form.querySelector('[data-nav="next"]');
    if (prev) { prev.disabled = this.current === 1; }
    if (next) { next.textContent = this.current === this.total ? "去交卷" : "下一题"; }
    var early = role("submit-early");
    if (early) { early.hidden = this.current === this.total; }
  };

  // ---- the submit page: send what is still unsent before the answers are graded -----------

  function SubmitPage(root, form) {
    var sync = new Syncer(root);
    var submitting = false;
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { submitting = false; }
    });
    sync.flush();
    form.addEventListener("submit", function (event) {
      if (submitting) { event.preventDefault(); return; }
      if (!sync.pendingCount()) { submitting = true; return; }
      event.preventDefault();
      sync.status("正在同步答案…");
      sync.settle().then(function (left) {
        if (left) {
          sync.setOffline(true);
          return;
        }
        submitting = true;
        form.submit();
      });
    });
  }

  // ---- wiring --------------------------------------------------------------------------------

  function onceOnly() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-once]"), function (button) {
      var form = button.form;
      if (!form || form.getAttribute("data-role") === "submit-form") { return; }
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
      });
      // Back from the next page out of the browser's cache: the button works again.
      window.addEventListener("pageshow", function (event) {
        if (event.persisted) { form.removeAttribute("data-sent"); }
      });
    });
  }

  // The time left on a timed attempt, counted down from the server's figure. At zero the page
  // reloads: the server has closed the attempt (or closes it now) and shows where it stands.
  function Countdown(el) {
    if (!el.hasAttribute("data-seconds-left")) { return; }
    var left = Number(el.getAttribute("data-seconds-left"));
    if (!(left >= 0)) { return; }
    var ends = Date.now() + left * 1000;
    var original = el.textContent;
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var seconds = Math.max(0, Math.round((ends - Date.now()) / 1000));
      if (seconds > 3600) { el.textContent = original; return; }
      el.textContent = "剩余 " + pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60);
      el.classList.toggle("text-warning", seconds <= 300);
      if (seconds === 0) {
        window.clearInterval(timer);
        el.textContent = "时间到";
        window.setTimeout(function () { window.location.reload(); }, 1500);
      }
    }
    var timer = window.setInterval(tick, 1000);
    tick();
  }

  function start() {
    onceOnly();
    var answering = document.getElementById("answer-form");
    var deadline = role("deadline");
    if (deadline) { new Countdown(deadline); }
    if (answering) { new AnsweringPage(answering); return; }
    var submitForm = document.querySelector('form[data-role="submit-form"]');
    var root = document.querySelector("[data-quiz-attempt]");
    if (submitForm && root) { new SubmitPage(root, submitForm); }
    var done = document.querySelector("[data-quiz-clear]");
    if (done) { storeClear(done.getAttribute("data-quiz-clear")); }
    var back = role("back");
    if (back && window.history.length > 1) {
      show(back, true);
      back.addEventListener("click", function () { window.history.back(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
