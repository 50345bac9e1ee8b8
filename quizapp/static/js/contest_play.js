/* A member's phone in a live contest: polls the state, shows the question on screen (a late
 * joiner lands on the current one), sends the answer and sends it again until the server
 * acknowledges it; the countdown is the server's (remaining_ms), never the phone's clock.
 * Each reply says when to poll next (poll_ms: every second, every two once this phone has
 * answered the open question; the poll says which question it answered, ?answered=N). */
(function () {
  "use strict";
  var root = document.getElementById("play");
  var data = root.dataset;
  var current = null;
  var shownAt = 0;
  var chosen = [];
  var drawnKey = null;
  var sent = {};  // position -> true once acknowledged
  var pressed = {};  // position -> what the 抢答 press got

  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value; }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": data.csrf},
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        return {status: res.status, ok: res.ok, body: json};
      });
    });
  }

  function option(label, value) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-danger text-start option-btn";
    button.textContent = label;
    button.addEventListener("click", function () {
      var q = current.question;
      if (q.type === "multiple") {
        var at = chosen.indexOf(value);
        if (at >= 0) { chosen.splice(at, 1); } else { chosen.push(value); }
      } else {
        chosen = [value];
      }
      Array.prototype.forEach.call($("q-options").children, function (b, i) {
        var v = q.type === "judge" ? i === 0 : i;
        b.classList.toggle("active", chosen.indexOf(v) >= 0);
      });
    });
    return button;
  }

  function drawQuestion(state) {
    var q = state.question;
    var key = state.position + ":" + state.phase;
    text("q-round", q.round + " · " + q.type_label);
    text("q-stem", q.stem);
    if (drawnKey === state.position) { return; }
    drawnKey = state.position;
    chosen = [];
    var box = $("q-options");
    box.textContent = "";
    var fill = $("q-fill");
    fill.textContent = "";
    if (q.format === "all") {
      if (q.type === "judge") {
        box.appendChild(option("正确", true));
        box.appendChild(option("错误", false));
      } else {
        q.options.forEach(function (label, index) { box.appendChild(option("ABCDEFGH"[index] + ". " + label, index)); });
      }
      fill.hidden = q.type !== "fill";
      for (var i = 0; i < q.blanks; i++) {
        var input = document.createElement("input");
        input.className = "form-control mb-2";
        input.placeholder = "第 " + (i + 1) + " 空";
        fill.appendChild(input);
      }
    }
    return key;
  }

  function drawRanking(rows) {
    var list = $("ranking");
    list.textContent = "";
    rows.forEach(function (row) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between";
      li.textContent = row.name;
      var pts = document.createElement("span");
      pts.textContent = row.points + " 分";
      li.appendChild(pts);
      list.appendChild(li);
    });
  }

  function drawTimer() {
    if (!current || current.phase !== "question") { text("timer", ""); return; }
    var left = Math.max(0, current.remaining_ms - (Date.now() - shownAt));
    text("timer", left > 0 ? Math.ceil(left / 1000) + " 秒" : "时间到");
  }

  function draw(state) {
    current = state;
    shownAt = Date.now();
    text("progress", state.phase === "lobby" ? "" : "第 " + Math.min(state.position + 1, state.total) + " / " + state.total + " 题");
    var live = state.phase === "question" || state.phase === "reveal";
    $("wait").hidden = live;
    text("wait", state.phase === "ended" ? "竞赛已结束，感谢参与！" : "等待主持人开始…");
    $("question").hidden = !live;
    $("board").hidden = !(state.phase === "reveal" || state.phase === "ended");
    drawRanking(state.ranking);
    if (live) {
      drawQuestion(state);
      var q = state.question;
      var done = state.answered || sent[state.position];
      var open = state.phase === "question" && state.remaining_ms > 0;
      $("submit").hidden = q.format !== "all" || done || !open;
      $("buzz").hidden = q.format !== "buzz" || !open;
      $("q-options").hidden = q.format !== "all";
      if (state.phase === "question" && q.format === "buzz") {
        text("status", pressed[state.position] || (!open ? "抢答时间已到" : ""));
      } else if (state.phase === "question") {
        text("status", done ? "答案已提交，等待公布答案" : !open ? "答题时间已到" : "");
      } else {
        text("status", "");
      }
    } else {
      text("status", "");
    }
    $("reveal").hidden = !state.reveal;
    if (state.reveal) {
      var q2 = state.question;
      text("r-verdict", q2.format === "all" ? (state.answered ? (state.correct ? "回答正确 ✓" : "回答错误 ✗") : "本题未作答") : "抢答题");
      text("r-key", state.reveal.key);
      text("r-expl", state.reveal.explanation || "");
    }
    drawTimer();
  }

  function response() {
    var q = current.question;
    if (q.type === "fill") {
      return Array.prototype.map.call($("q-fill").querySelectorAll("input"), function (i) { return i.value; });
    }
    if (q.type === "judge") { return chosen.length ? chosen[0] : null; }
    if (q.type === "single") { return chosen.length ? chosen[0] : null; }
    return chosen.slice().sort();
  }

  function send(position, body, tries) {
    post(data.answerUrl, body).then(function (res) {
      if (res.ok) {
        sent[position] = true;
        text("status", "答案已提交，等待公布答案");
        $("submit").hidden = true;
        if (res.body.poll_ms && !polling) { schedule(res.body.poll_ms, false); }
      } else if (res.status >= 500 && tries < 5) {
        setTimeout(function () { send(position, body, tries + 1); }, 500);
      } else {
        text("status", res.body.error || "答案未被接受");
        $("submit").disabled = false;
      }
    }, function () {
      if (tries < 5) { setTimeout(function () { send(position, body, tries + 1); }, 500); }
      else { text("status", "网络中断，答案未能提交"); $("submit").disabled = false; }
    });
  }

  $("submit").addEventListener("click", function () {
    var value = response();
    if (value === null || (Array.isArray(value) && !value.length)) { text("status", "请先选择答案"); return; }
    $("submit").disabled = true;
    text("status", "正在提交…");
    send(current.position, {position: current.position, response: value}, 0);
  });

  $("buzz").addEventListener("click", function () {
    post(data.pressUrl, {position: current.position}).then(function (res) {
      var said = res.ok ? (res.body.first ? "抢答成功！请本队作答" : "其他队伍已抢先") : (res.body.error || "抢答未成功");
      if (res.ok) { pressed[current.position] = said; }
      text("status", said);
    });
  });

  // What only this member's rows say (answered, right, the key) is asked for once per question
  // and phase (?mine=1); the other polls are answered from the shared state alone.
  var mine = {key: null};
  var timer = null;
  var polling = false;  // a poll is on its way

  function keyOf(state) { return state.phase + ":" + state.position; }

  function schedule(delay, withMine) {
    clearTimeout(timer);
    timer = setTimeout(function () { poll(withMine); }, delay);
  }

  function answeredNow() {
    if (!current || current.phase !== "question") { return null; }
    var known = sent[current.position] || (mine.key === keyOf(current) && mine.answered);
    return known ? current.position : null;
  }

  function poll(withMine) {
    var query = [];
    if (withMine) { query.push("mine=1"); }
    var answered = answeredNow();
    if (answered !== null) { query.push("answered=" + answered); }
    polling = true;
    fetch(data.stateUrl + (query.length ? "?" + query.join("&") : ""), {credentials: "same-origin", cache: "no-store"})
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (state) {
        if (!state) { return 1000; }
        if (withMine) {
          mine = {key: keyOf(state), answered: state.answered, correct: state.correct, reveal: state.reveal};
        } else if (keyOf(state) !== mine.key && (state.phase === "question" || state.phase === "reveal")) {
          return 0;  // a new question or phase: ask again with this member's rows
        }
        if (keyOf(state) === mine.key) {
          state.answered = mine.answered;
          state.correct = mine.correct;
          state.reveal = mine.reveal;
        }
        $("submit").disabled = false;
        draw(state);
        return state.poll_ms || 1000;
      }, function () { return 1000; })
      .then(function (delay) { polling = false; schedule(delay, delay === 0); });
  }
  setInterval(drawTimer, 250);
  poll(true);
}());
