/* Autosave for the post form (blog.revisions): while the author types, the form's fields go to
 * the server at most every data-interval ms (a second after the first change), and at once when
 * the tab is hidden or closed (fetch keepalive). The server keeps them as the author's autosave
 * and never changes the post; reopening the form brings them back with a notice.
 *
 * A keepalive request may land after the next page has loaded (a reload right after typing),
 * and the network may be down: so unsent changes are also kept in this browser (localStorage)
 * when the page is hidden or a save fails, and put back into the form when it opens again from
 * the same revision. The status (#autosave-status, moved under the body field) says "Saving…",
 * "Draft saved 14:02:31" or what went wrong. A 409 means the post was saved elsewhere after this
 * form was opened: the message says so and autosave stops, so nothing newer is overwritten.
 * Without JavaScript there is no autosave; the form saves as usual.
 */
(function () {
  "use strict";

  var FIELDS = ["title", "slug", "summary", "body", "tags", "theme", "status",
    "published_at_0", "published_at_1", "allow_comments"];
  var KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies over 64 KB
  var DEBOUNCE = 1000;

  function start() {
    var status = document.getElementById("autosave-status");
    var form = status && status.closest("form");
    if (!form) { return; }
    var url = status.dataset.url;
    var interval = parseInt(status.dataset.interval, 10) || 5000;
    var base = form.elements.base_revision ? form.elements.base_revision.value : "";
    var storageKey = "autosave:" + url;
    var dirty = false, sending = false, stopped = false, lastSent = 0, timer = null;

    // Under the body field's help text, aligned with the field (the admin's .help styles).
    var row = form.querySelector(".form-row.field-body");
    var help = row && row.querySelector(".help");
    if (help) {
      help.insertAdjacentElement("afterend", status);
      status.classList.add("help");
    } else if (row) {
      row.appendChild(status);
    }

    function say(text, kind) {
      status.hidden = false;
      status.textContent = text;
      status.dataset.state = kind || "";
    }

    function values() {
      var all = new FormData(form), out = {};
      FIELDS.forEach(function (name) { out[name] = all.getAll(name).map(String); });
      return out;
    }

    var lastKept = JSON.stringify(values()); // what the server has (or the page came with)

    function keepLocally() {
      try {
        localStorage.setItem(storageKey, JSON.stringify({base: base, at: Date.now(), values: values()}));
      } catch (error) { /* storage full or disabled: the server copy is all there is */ }
    }

    function forgetLocally() {
      try { localStorage.removeItem(storageKey); } catch (error) { /* nothing kept */ }
    }

    function restoreLocally() {
      var kept;
      try { kept = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (error) { kept = null; }
      if (!kept || kept.base !== base || JSON.stringify(kept.values) === lastKept) { return false; }
      Object.keys(kept.values).forEach(function (name) {
        var field = form.elements[name], wanted = kept.values[name];
        if (!field || field.type === "hidden") { return; }
        if (field.type === "checkbox") {
          field.checked = wanted.length > 0;
        } else if (field.tagName === "SELECT" && field.multiple) {
          return; // tags: the picker shows only the options it has loaded; the server copy has them
        } else if (typeof field.value === "string" && wanted.length) {
          field.value = wanted[0];
        }
      });
      return true;
    }

    function send(leaving) {
      if (stopped || !dirty) { return; }
      if (leaving) { keepLocally(); }
      if (sending && !leaving) { schedule(); return; }
      clearTimeout(timer); timer = null;
      var current = values(), data = new FormData(), size = 0;
      Object.keys(current).forEach(function (name) {
        current[name].forEach(function (value) { data.append(name, value); size += value.length; });
      });
      data.append("base_revision", base);
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      var sent = JSON.stringify(current);
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
        if (response.redirected && response.url.indexOf("/login/") !== -1) {
          throw new Error("you are signed out (sign in again in another tab)");
        }
        if (type.indexOf("application/json") === -1) {
          throw new Error(response.status === 403 ?
            "this page is out of date (copy your text, then reload)" : "the server answered " + response.status);
        }
        return response.json().then(function (answer) {
          if (response.status === 409) {
            stopped = true;
            keepLocally();
            say(answer.error, "conflict");
          } else if (!response.ok) {
            throw new Error(answer.error || "the server answered " + response.status);
          } else {
            lastKept = sent;
            if (!dirty) { forgetLocally(); }
            say(answer.message, "saved");
          }
        });
      }).catch(function (error) {
        dirty = true; // try again with the next change, or when the connection is back
        keepLocally();
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
        Math.max(DEBOUNCE, lastSent + interval - Date.now()));
    }

    function changed(event) {
      var name = event.target && event.target.name;
      if (!name || FIELDS.indexOf(name) === -1 || stopped) { return; }
      // The admin's own scripts fire "change" on load (related-object links): only real edits count.
      dirty = JSON.stringify(values()) !== lastKept;
      if (dirty) { schedule(); }
    }

    if (restoreLocally()) {
      dirty = true;
      say("Put back changes from this browser that had not reached the server yet; saving them…", "saving");
      schedule();
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // The tag and theme pickers (select2) announce changes through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(form).on("change", "select", changed);
    }
    function finished() { stopped = true; clearTimeout(timer); forgetLocally(); }
    form.addEventListener("submit", finished);
    // "Discard them" (its own form, above this one): nothing may be sent or put back after it.
    var discard = document.querySelector(".autosave-notice form");
    if (discard) { discard.addEventListener("submit", finished); }
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
