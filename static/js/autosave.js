/* Autosave for the post form (blog.revisions): while the author types, the form's fields go to
 * the server at most every data-interval ms, and at once when the tab is hidden or closed
 * (fetch keepalive). The server keeps them as the author's autosave and never changes the post.
 *
 * The status (#autosave-status, moved under the body field) says "Saving…", "Draft saved
 * 14:02:31" or what went wrong. A 409 means the post was saved elsewhere after this form was
 * opened: the message says so and autosave stops, so nothing newer is overwritten.
 * Without JavaScript there is no autosave; the form saves as usual.
 */
(function () {
  "use strict";

  var FIELDS = ["title", "slug", "summary", "body", "tags", "theme", "status",
    "published_at_0", "published_at_1", "allow_comments", "base_revision", "csrfmiddlewaretoken"];
  var KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies over 64 KB

  function start() {
    var status = document.getElementById("autosave-status");
    var form = status && status.closest("form");
    if (!form) { return; }
    var url = status.dataset.url;
    var interval = parseInt(status.dataset.interval, 10) || 5000;
    var dirty = false, sending = false, stopped = false, lastSent = 0, timer = null;

    var body = form.querySelector(".form-row.field-body, .field-body");
    if (body) { body.appendChild(status); }

    function say(text, kind) {
      status.hidden = false;
      status.textContent = text;
      status.dataset.state = kind || "";
    }

    function fields() {
      var all = new FormData(form), data = new FormData();
      FIELDS.forEach(function (name) {
        all.getAll(name).forEach(function (value) { data.append(name, value); });
      });
      return data;
    }

    function send(leaving) {
      if (stopped || !dirty) { return; }
      if (sending && !leaving) { schedule(); return; }
      clearTimeout(timer); timer = null;
      var data = fields();
      var size = 0;
      data.forEach(function (value) { size += String(value).length; });
      dirty = false; sending = true; lastSent = Date.now();
      say("Saving…", "saving");
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        keepalive: Boolean(leaving) && size < KEEPALIVE_LIMIT,
        headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error(response.status === 403 ? "you are signed out" : "the server answered " + response.status);
        }
        return response.json().then(function (answer) {
          if (response.status === 409) {
            stopped = true;
            say(answer.error, "conflict");
          } else if (!response.ok) {
            throw new Error(answer.error || "the server answered " + response.status);
          } else {
            say(answer.message, "saved");
          }
        });
      }).catch(function (error) {
        dirty = true; // try again with the next change, or when the connection is back
        var reason = navigator.onLine === false ? "offline" : error.message;
        say("Couldn't save: " + reason + "; your text is still here.", "error");
      }).then(function () {
        sending = false;
        if (dirty && !stopped && status.dataset.state !== "error") { schedule(); }
      });
    }

    function schedule() {
      if (timer || stopped) { return; }
      timer = setTimeout(function () { timer = null; send(false); },
        Math.max(0, lastSent + interval - Date.now()));
    }

    function changed(event) {
      var name = event.target && event.target.name;
      if (!name || FIELDS.indexOf(name) === -1 || stopped) { return; }
      dirty = true;
      schedule();
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // The tag and theme pickers (select2) announce changes through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(form).on("change", "select", changed);
    }
    form.addEventListener("submit", function () { stopped = true; clearTimeout(timer); });
    window.addEventListener("online", function () { if (dirty) { send(false); } });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { send(true); }
    });
    window.addEventListener("pagehide", function () { send(true); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
