/* The contest's projector screen: polls the host state twice a second and moves the contest
 * on with one click or key (space, Enter, →). Progressive only in that the server decides
 * everything: this file draws what /host/state says. */
(function () {
  "use strict";
  var root = document.getElementById("host");
  var data = root.dataset;
  var LETTERS = "ABCDEFGH";
  var current = null;
  var shownAt = 0;
  var busy = false;

  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value; }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": data.csrf},
      body: JSON.stringify(body || {})
    }).then(function (res) {
      return res.json().catch(function () { return {error: "服务器没有响应，请重试"}; }).then(function (json) {
        if (!res.ok) { throw new Error(json.error || "操作未成功，请重试"); }
        return json;
      });
    });
  }

  function nextLabel(state) {
    if (state.phase === "lobby") { return "开始第一题"; }
    if (state.phase === "question") { return "公布答案"; }
    if (state.phase === "reveal") { return state.position + 1 < state.total ? "下一题" : "结束竞赛"; }
    return "已结束";
  }

  function drawRanking(rows, id) {
    var list = $(id || "ranking");
    list.textContent = "";
    rows.forEach(function (row) {
      var li = document.createElement("li");
      [["rk", row.rank], ["nm", row.name + "（" + row.members + "人）"], ["pt", row.points + " 分"]].forEach(function (part) {
        var span = document.createElement("span");
        span.className = part[0];
        span.textContent = part[1];
        li.appendChild(span);
      });
      list.appendChild(li);
    });
  }

  function drawCountdown() {
    if (!current) { return; }
    var box = $("countdown");
    if (current.phase !== "question") { box.textContent = current.phase === "reveal" ? "时间到" : "--"; box.classList.remove("urgent"); return; }
    var left = Math.max(0, current.remaining_ms - (Date.now() - shownAt));
    var seconds = Math.ceil(left / 1000);
    box.textContent = seconds > 0 ? seconds + " 秒" : "时间到";
    box.classList.toggle("urgent", seconds <= 5);
  }

  function drawStakes(state) {
    var box = $("stakes");
    var risky = state.phase === "question" && state.question && state.question.risk;
    box.hidden = !risky;
    if (!risky || box.dataset.position === String(state.position)) { return; }
    box.dataset.position = String(state.position);
    box.textContent = "押分：";
    state.ranking.forEach(function (row) {
      var label = document.createElement("label");
      label.className = "ms-2";
      label.textContent = row.name + " ";
      var input = document.createElement("input");
      input.type = "number"; input.min = "0"; input.className = "form-control form-control-sm";
      input.value = state.question.points;
      input.addEventListener("change", function () {
        post(data.stakeUrl, {position: state.position, team_id: row.team_id, stake: parseInt(input.value, 10)})
          .then(function () { text("error", ""); }, function (err) { text("error", err.message); });
      });
      label.appendChild(input);
      box.appendChild(label);
    });
  }

  function draw(state) {
    current = state;
    shownAt = Date.now();
    text("phase", state.phase_label);
    text("progress", state.phase === "lobby" ? "" : "第 " + Math.min(state.position + 1, state.total) + " / " + state.total + " 题");
    $("lobby").hidden = state.phase !== "lobby";
    $("question").hidden = !(state.phase === "question" || state.phase === "reveal");
    $("ended").hidden = state.phase !== "ended";
    text("lobby-joined", state.joined);
    text("answered", state.phase === "lobby" || state.phase === "ended" ? (state.phase === "ended" ? "共 " : "已加入 ") + state.joined + " 人" + (state.phase === "ended" ? "参加" : "")
      : state.question && state.question.format === "buzz" ? "已加入 " + state.joined + " 人"
      : "已答 " + state.answered + " / " + state.joined + " 人");
    var q = state.question;
    if (q) {
      text("q-round", q.round + " · " + q.type_label + " · " + (q.risk ? "押分" : q.points + " 分"));
      text("q-stem", q.stem);
      var list = $("q-options");
      list.textContent = "";
      var keys = state.reveal && Array.isArray(state.reveal.answer) ? state.reveal.answer : [];
      q.options.forEach(function (option, index) {
        var li = document.createElement("li");
        li.textContent = option;
        if (state.reveal && q.options.length && keys.indexOf(index) >= 0) { li.className = "key"; }
        list.appendChild(li);
      });
      if (q.type === "judge") {
        ["正确", "错误"].forEach(function (label, index) {
          var li = document.createElement("li");
          li.textContent = label;
          if (state.reveal && (state.reveal.answer === true) === (index === 0)) { li.className = "key"; }
          list.appendChild(li);
        });
      }
      var buzz = $("q-buzz");
      buzz.hidden = q.format !== "buzz";
      buzz.textContent = !state.buzz ? "抢答：等待各队按下抢答键" : "抢答成功：" + state.buzz.team +
        (state.buzz.correct === null ? "（请裁判判定）" : state.buzz.correct ? " · 判对" : " · 判错");
      $("judge").hidden = !(q.format === "buzz" && state.phase === "question" && state.buzz);
      $("q-reveal").hidden = !state.reveal;
      if (state.reveal) {
        text("r-key", state.reveal.key);
        text("r-right", q.format === "all" ? "答对 " + state.right + " 人" : "");
        text("r-expl", state.reveal.explanation || "（无）");
        text("r-source", "《" + state.reveal.speech + "》" + (state.reveal.sentence || ""));
      }
    } else {
      $("judge").hidden = true;
    }
    drawStakes(state);
    drawRanking(state.ranking);
    if (state.phase === "ended") { drawRanking(state.ranking, "final"); }
    $("countdown").hidden = state.phase === "lobby" || state.phase === "ended";
    $("next").textContent = nextLabel(state);
    $("next").disabled = state.phase === "ended";
    $("end").hidden = state.phase === "ended";
    drawCountdown();
  }

  function poll() {
    fetch(data.stateUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (state) { if (state && !busy) { draw(state); } }, function () {})
      .then(function () { setTimeout(poll, 500); });
  }

  function act(url, body) {
    if (busy) { return; }
    busy = true;
    post(url, body).then(function (state) { text("error", ""); draw(state); },
                         function (err) { text("error", err.message); })
      .then(function () { busy = false; });
  }

  function next() {
    if (!current || current.phase === "ended") { return; }
    act(data.advanceUrl, {phase: current.phase, position: current.position});
  }

  $("next").addEventListener("click", next);
  $("end").addEventListener("click", function () {
    if (window.confirm("确定结束竞赛？")) { act(data.endUrl, {}); }
  });
  $("judge-right").addEventListener("click", function () { act(data.judgeUrl, {position: current.position, correct: true}); });
  $("judge-wrong").addEventListener("click", function () { act(data.judgeUrl, {position: current.position, correct: false}); });
  document.addEventListener("keydown", function (event) {
    if (event.target && event.target.tagName === "INPUT") { return; }
    if (event.key === " " || event.key === "Enter" || event.key === "ArrowRight") {
      event.preventDefault();
      next();
    }
  });
  setInterval(drawCountdown, 200);
  poll();
}());
