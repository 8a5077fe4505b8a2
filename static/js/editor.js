/* The post editor in the admin (blog/editor.py): Markdown toolbar and shortcuts, a textarea that
   grows with its text, a live preview drawn by the server (blog.markup.render_markdown) in a
   same-origin frame styled by the site's own stylesheet, Write/Preview tabs on a phone, and image
   upload by button, drop or paste. Without this script the form is the stock admin form.

   Every programmatic change goes through replace(): execCommand("insertText") keeps the browser's
   undo stack where it is supported (setRangeText otherwise), and an "input" event follows, which
   the preview and the autosave listen to. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 400;

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function replace(textarea, start, end, text, selStart, selEnd) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || textarea.value.slice(start, start + text.length) !== text) {
      textarea.setRangeText(text, start, end, "end");
    }
    textarea.setSelectionRange(selStart, selEnd);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // The whole lines the selection touches: [lineStart, lineEnd).
  function lineRange(value, start, end) {
    var lineStart = value.lastIndexOf("\n", start - 1) + 1;
    if (end > start && value[end - 1] === "\n") end -= 1;
    var lineEnd = value.indexOf("\n", end);
    return [lineStart, lineEnd === -1 ? value.length : lineEnd];
  }

  function wrap(textarea, before, after, placeholder) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    var selected = value.slice(start, end);
    if (selected && value.slice(start - before.length, start) === before && value.slice(end, end + after.length) === after) {
      // Already wrapped: unwrap (the same button toggles, as in every editor).
      replace(textarea, start - before.length, end + after.length, selected, start - before.length, end - before.length);
      return;
    }
    var inner = selected || placeholder;
    replace(textarea, start, end, before + inner + after, start + before.length, start + before.length + inner.length);
  }

  function prefixLines(textarea, prefix) {
    var value = textarea.value;
    var range = lineRange(value, textarea.selectionStart, textarea.selectionEnd);
    var lines = value.slice(range[0], range[1]).split("\n");
    var plain = typeof prefix === "string";
    var all = lines.every(function (line, i) {
      return line.indexOf(plain ? prefix : prefix(i)) === 0;
    });
    var out = lines.map(function (line, i) {
      var p = plain ? prefix : prefix(i);
      if (all) return line.slice(p.length);
      if (plain && prefix === "## ") line = line.replace(/^#{1,6}\s+/, "");
      return p + line;
    }).join("\n");
    replace(textarea, range[0], range[1], out, range[0], range[0] + out.length);
  }

  function link(textarea) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var selected = textarea.value.slice(start, end);
    if (/^https?:\/\/\S+$/.test(selected)) {
      var text = "[link text](" + selected + ")";
      replace(textarea, start, end, text, start + 1, start + 10);
    } else {
      var label = selected || "link text";
      var markup = "[" + label + "](https://)";
      var urlStart = start + label.length + 3;
      replace(textarea, start, end, markup, urlStart, urlStart + 8);
    }
  }

  function code(textarea) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    var selected = value.slice(start, end);
    if (selected.indexOf("\n") === -1) {
      wrap(textarea, "`", "`", "code");
      return;
    }
    var range = lineRange(value, start, end);
    var block = value.slice(range[0], range[1]);
    var before = range[0] > 0 && value[range[0] - 1] !== "\n" ? "\n" : "";
    var text = before + "```\n" + block + "\n```";
    replace(textarea, range[0], range[1], text, range[0] + before.length + 3, range[0] + before.length + 3);
  }

  var ACTIONS = {
    bold: function (t) { wrap(t, "**", "**", "bold text"); },
    italic: function (t) { wrap(t, "_", "_", "italic text"); },
    link: link,
    heading: function (t) { prefixLines(t, "## "); },
    quote: function (t) { prefixLines(t, "> "); },
    code: code,
    bullets: function (t) { prefixLines(t, "- "); },
    numbers: function (t) { prefixLines(t, function (i) { return (i + 1) + ". "; }); },
  };
  var SHORTCUTS = { b: "bold", i: "italic", k: "link" };

  function setUpToolbar(editor, textarea, onImage) {
    var toolbar = editor.querySelector(".md-toolbar");
    if (!toolbar) return;
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    // One tab stop for the toolbar; arrow keys move between its buttons (WAI-ARIA toolbar).
    buttons.forEach(function (button, i) { button.tabIndex = i === 0 ? 0 : -1; });
    toolbar.addEventListener("keydown", function (event) {
      var i = buttons.indexOf(document.activeElement);
      if (i === -1) return;
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[i].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-md]");
      if (!button) return;
      var name = button.getAttribute("data-md");
      if (name === "image") {
        onImage();
      } else if (ACTIONS[name]) {
        ACTIONS[name](textarea);
      }
    });
    textarea.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      var name = SHORTCUTS[event.key.toLowerCase()];
      if (!name) return;
      event.preventDefault();
      ACTIONS[name](textarea);
    });
    toolbar.hidden = false;
  }

  function autoGrow(textarea) {
    if (window.CSS && CSS.supports && CSS.supports("field-sizing", "content")) return;
    function fit() {
      var scroll = window.scrollY;
      textarea.style.height = "auto";
      textarea.style.height = textarea.scrollHeight + 2 + "px";
      window.scrollTo(window.scrollX, scroll);
    }
    textarea.addEventListener("input", fit);
    window.addEventListener("resize", fit);
    fit();
  }

  // The admin's theme toggle (html[data-theme] light / dark / auto) for the framed site.css, whose
  // dark colours sit in @media (prefers-color-scheme: dark): browsers give a frame the system's
  // preference, not its parent's, so those rules are switched on or off here (through the CSSOM:
  // no inline style).
  var ORIGINAL_MEDIA = "(prefers-color-scheme: dark)";
  function followTheme(frame) {
    var doc = frame.contentDocument;
    if (!doc) return;
    var theme = document.documentElement.getAttribute("data-theme") || "auto";
    var media = theme === "dark" ? "all" : theme === "light" ? "not all" : ORIGINAL_MEDIA;
    Array.prototype.forEach.call(doc.styleSheets, function (sheet) {
      var rules;
      try { rules = sheet.cssRules; } catch (error) { return; }
      Array.prototype.forEach.call(rules, function (rule) {
        if (!rule.media) return;
        if (rule.darkScheme === undefined) rule.darkScheme = /prefers-color-scheme:\s*dark/.test(rule.media.mediaText);
        if (rule.darkScheme && rule.media.mediaText !== media) rule.media.mediaText = media;
      });
    });
    doc.documentElement.style.colorScheme = theme === "auto" ? "" : theme;
  }

  function setUpPreview(editor, textarea, titleInput) {
    var pane = editor.querySelector(".md-preview");
    var frame = editor.querySelector(".md-frame");
    var status = editor.querySelector(".md-preview-status");
    var url = editor.getAttribute("data-preview-url");
    if (!pane || !frame || !url) return;
    var form = textarea.form;
    var ready = false, timer = null, sent = 0, shown = 0, pending = null;

    function frameParts() {
      var doc = frame.contentDocument;
      return doc && { title: doc.querySelector("[data-preview=title]"), body: doc.querySelector("[data-preview=body]") };
    }

    function show(html) {
      var parts = frameParts();
      if (!parts || !parts.body) { pending = html; return; }
      parts.title.textContent = titleInput ? titleInput.value : "";
      // The HTML comes from blog.markup.render_markdown: rendered and sanitized on the server.
      parts.body.innerHTML = html;
    }

    function render() {
      timer = null;
      var number = ++sent;
      var data = new FormData();
      data.append("body", textarea.value);
      // "html" for an imported post's HTML body (blog.editor.for_body_format): previewed as HTML.
      data.append("format", editor.getAttribute("data-format") || "markdown");
      if (titleInput) data.append("title", titleInput.value);
      editor.setAttribute("aria-busy", "true");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          return response.json().catch(function () {
            return { error: "The preview could not be drawn (HTTP " + response.status + "). Your text is safe; save as usual." };
          });
        })
        .then(function (result) {
          if (number < shown) return; // an older answer arriving late
          shown = number;
          if (result.error) {
            status.textContent = result.error;
            pane.classList.add("md-preview-error");
          } else {
            status.textContent = "";
            pane.classList.remove("md-preview-error");
            show(result.html || "");
          }
        })
        .catch(function () {
          status.textContent = "The preview is offline for now; your text is safe.";
        })
        .then(function () { if (number === sent) editor.removeAttribute("aria-busy"); });
    }

    function schedule() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(render, DEBOUNCE_MS);
    }

    frame.addEventListener("load", function () {
      ready = true;
      followTheme(frame);
      if (pending !== null) { show(pending); pending = null; }
    });
    frame.src = editor.getAttribute("data-frame-url");
    textarea.addEventListener("input", schedule);
    if (titleInput) {
      titleInput.addEventListener("input", function () {
        var parts = ready && frameParts();
        if (parts && parts.title) parts.title.textContent = titleInput.value;
      });
    }
    // Side by side, the page scrolls with the growing textarea while the preview stays in view:
    // keep the preview at the same share of its length as the writing.
    var syncing = false;
    function syncScroll() {
      syncing = false;
      var doc = frame.contentDocument;
      if (!doc || !doc.scrollingElement || pane.offsetParent === null) return;
      var box = textarea.getBoundingClientRect();
      var travel = box.height - window.innerHeight;
      if (travel <= 0) return;
      var share = Math.min(1, Math.max(0, -box.top / travel));
      var view = doc.scrollingElement;
      view.scrollTop = share * (view.scrollHeight - view.clientHeight);
    }
    window.addEventListener("scroll", function () {
      if (!syncing) { syncing = true; window.requestAnimationFrame(syncScroll); }
    }, { passive: true });

    new MutationObserver(function () { followTheme(frame); }).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-theme"],
    });
    pane.hidden = false;
    render();
  }

  function setUpTabs(editor) {
    var tablist = editor.querySelector(".md-tabs");
    if (!tablist) return;
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
    var panels = tabs.map(function (tab) { return document.getElementById(tab.getAttribute("aria-controls")); });
    var narrow = window.matchMedia("(max-width: 900px)");

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        if (on && focus) tab.focus();
      });
      editor.setAttribute("data-view", index === 0 ? "write" : "preview");
    }

    function layout() {
      // Tabs (and tabpanel roles) only on a narrow screen; side by side otherwise.
      panels.forEach(function (panel, i) {
        if (narrow.matches) {
          panel.setAttribute("role", "tabpanel");
          panel.setAttribute("aria-labelledby", tabs[i].id);
        } else {
          panel.removeAttribute("role");
          panel.removeAttribute("aria-labelledby");
        }
      });
      tablist.hidden = !narrow.matches;
    }

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(i, false); });
    });
    tablist.addEventListener("keydown", function (event) {
      var i = tabs.indexOf(document.activeElement);
      if (i === -1 || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
      event.preventDefault();
      select((i + 1) % tabs.length, true);
    });
    if (narrow.addEventListener) narrow.addEventListener("change", layout);
    select(0, false);
    layout();
  }

  function setUpImages(editor, textarea) {
    var url = textarea.getAttribute("data-upload-url");
    var picker = editor.querySelector(".md-file");
    var template = editor.querySelector(".md-alt-template");
    var message = editor.querySelector(".md-message");
    if (!url || !picker || !template) return null;
    var dialog = template.content.firstElementChild.cloneNode(true);
    document.body.appendChild(dialog); // outside the admin's <form>: forms do not nest
    var queue = Promise.resolve();

    function say(text) { message.textContent = text; }

    function askAlt(file) {
      return new Promise(function (resolve) {
        var alt = dialog.querySelector("textarea");
        dialog.querySelector(".md-alt-file").textContent = file.name;
        alt.value = "";
        dialog.returnValue = "";
        dialog.addEventListener("close", function onClose() {
          dialog.removeEventListener("close", onClose);
          textarea.focus();
          resolve(dialog.returnValue === "upload" && alt.value.trim() ? alt.value.trim() : null);
        });
        dialog.showModal();
        alt.focus();
      });
    }

    function removeText(text) {
      var at = textarea.value.indexOf(text);
      if (at !== -1) {
        var end = at + text.length;
        if (textarea.value[end] === "\n") end += 1;
        replace(textarea, at, end, "", at, at);
      }
    }

    // `cursor.at`: where the writer was when the file arrived (the dialog takes the focus, and
    // the browser may forget the caret meanwhile); moved past each placeholder for the next one.
    function upload(file, alt, cursor) {
      var placeholder = "![Uploading " + file.name + "…]()";
      var value = textarea.value, start = Math.min(cursor.at, value.length);
      var before = start > 0 && value[start - 1] !== "\n" ? "\n" : "";
      var line = before + placeholder + "\n";
      replace(textarea, start, start, line, start + line.length, start + line.length);
      cursor.at = start + line.length;
      say("");
      var data = new FormData();
      data.append("file", file);
      data.append("alt", alt);
      return fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea.form), "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (result) {
            if (response.status === 201 && result.markdown) {
              var at = textarea.value.indexOf(placeholder);
              if (at === -1) {
                at = textarea.selectionEnd;
                replace(textarea, at, at, result.markdown, at + result.markdown.length, at + result.markdown.length);
              } else {
                var caret = textarea.selectionStart > at ? textarea.selectionStart + result.markdown.length - placeholder.length : textarea.selectionStart;
                replace(textarea, at, at + placeholder.length, result.markdown, caret, caret);
              }
              return;
            }
            removeText(placeholder);
            say(result.error || "The image could not be uploaded (HTTP " + response.status + ").");
          });
        })
        .catch(function () {
          removeText(placeholder);
          say("The image could not be uploaded: the server did not answer. Try again.");
        });
    }

    function take(files) {
      var images = Array.prototype.filter.call(files || [], function (file) { return /^image\//.test(file.type); });
      var cursor = { at: textarea.selectionEnd };
      images.forEach(function (file) {
        queue = queue.then(function () {
          return askAlt(file).then(function (alt) { return alt === null ? null : upload(file, alt, cursor); });
        });
      });
      return images.length > 0;
    }

    picker.addEventListener("change", function () {
      take(picker.files);
      picker.value = "";
    });
    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        editor.classList.add("md-dropping");
      }
    });
    textarea.addEventListener("dragleave", function () { editor.classList.remove("md-dropping"); });
    textarea.addEventListener("drop", function (event) {
      editor.classList.remove("md-dropping");
      if (event.dataTransfer && take(event.dataTransfer.files)) event.preventDefault();
    });
    textarea.addEventListener("paste", function (event) {
      if (event.clipboardData && take(event.clipboardData.files)) event.preventDefault();
    });
    return function () { picker.click(); };
  }

  function setUp(editor) {
    var textarea = editor.querySelector("textarea.editor-body");
    if (!textarea) return;
    var form = textarea.form;
    var titleInput = form && form.querySelector(".editor-title");
    if (form) form.classList.add("md-js");
    editor.classList.add("md-ready");
    var openPicker = setUpImages(editor, textarea);
    if (!openPicker) {
      var imageButton = editor.querySelector("button[data-md=image]");
      if (imageButton) imageButton.remove();
    }
    setUpToolbar(editor, textarea, openPicker || function () {});
    setUpTabs(editor);
    setUpPreview(editor, textarea, titleInput);
    autoGrow(textarea);
    if (titleInput) {
      autoGrow(titleInput);
      // A title is one line: Enter moves on to the body, as in Ghost and WordPress.
      titleInput.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.isComposing) {
          event.preventDefault();
          textarea.focus();
        }
      });
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-editor"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
