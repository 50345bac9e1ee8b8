// The study and test forms: 添加一行 shows the next hidden row in place (every row is in the
// page already, so nothing is lost when the form is saved). Without this script, saving the
// form shows spare rows instead.
(function () {
  "use strict";
  function start() {
    var buttons = document.querySelectorAll("[data-add-row]");
    Array.prototype.forEach.call(buttons, function (button) {
      var kind = button.getAttribute("data-add-row");
      function next() {
        return document.querySelector("." + kind + "[data-spare-row][hidden]");
      }
      if (!next()) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var row = next();
        if (!row) { return; }
        row.hidden = false;
        var first = row.querySelector("select, input");
        if (first) { first.focus(); }
        if (!next()) { button.hidden = true; }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
