/*
 * The speech reader's authoring: select a phrase inside one paragraph and press
 * "用所选词语出题" to have the builder propose questions on it.
 *
 * Progressive enhancement only: without this script each paragraph has its own form (展开
 * "用词语出题", type the phrase). With it, those forms are folded away and the button at the
 * bottom of the screen fills in the selected paragraph's form and sends it; and the proposals'
 * 添加为草稿 is sent once however often it is pressed.
 */
(function () {
  "use strict";

  // 添加为草稿 is sent once: a second click while the page is on its way would only find the
  // drafts in the bank already (the server adds nothing twice) and say so.
  var panels = document.querySelectorAll(".author-panel form");
  Array.prototype.forEach.call(panels, function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "1");
    });
  });
  // Back from the next page out of the browser's cache: the form works again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(panels, function (form) { form.removeAttribute("data-sent"); });
    }
  });

  var text = document.querySelector("[data-authoring]");
  var bar = document.querySelector(".author-bar");
  if (!text || !bar || !window.getSelection) {
    return;
  }
  var button = bar.querySelector("button");
  var MAX_PHRASE = 30;
  var chosen = null;
  var hideTimer = null;

  text.classList.add("js-authoring");

  function paragraphOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest(".speech-paragraph") : null;
  }

  // The selection when it lies inside one paragraph: its number and its words.
  function selection() {
    var selected = window.getSelection();
    if (!selected || selected.isCollapsed || selected.rangeCount === 0) {
      return null;
    }
    var range = selected.getRangeAt(0);
    var paragraph = paragraphOf(range.startContainer);
    if (!paragraph || paragraph !== paragraphOf(range.endContainer)) {
      return null;
    }
    var phrase = selected.toString().replace(/\s+/g, "").trim();
    if (phrase.length < 2 || phrase.length > MAX_PHRASE * 3) {
      return null;
    }
    return { paragraph: paragraph.getAttribute("data-paragraph"), phrase: phrase };
  }

  document.addEventListener("selectionchange", function () {
    var current = selection();
    window.clearTimeout(hideTimer);
    if (current) {
      chosen = current;
      bar.hidden = false;
      return;
    }
    // A tap on the button may clear the selection first (phones): keep it a moment.
    hideTimer = window.setTimeout(function () {
      chosen = null;
      bar.hidden = true;
    }, 600);
  });

  // Keep the selection when the button is pressed with a mouse.
  button.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });

  button.addEventListener("click", function () {
    if (!chosen) {
      return;
    }
    var form = text.querySelector('form[data-paragraph="' + chosen.paragraph + '"]');
    if (!form) {
      return;
    }
    form.elements.phrase.value = chosen.phrase;
    button.disabled = true;
    button.textContent = "正在出题……";
    form.submit();
  });
})();
