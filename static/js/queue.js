/* The moderation queue's row buttons and inline reply, without a page load.
 *
 * Without JavaScript each button is a plain POST (formaction) that redirects back to the
 * queue with a message, and "Reply" opens a reply page. Here the same POSTs go by fetch()
 * with the CSRF token and Accept: application/json; the row is updated in place from the
 * answer (state, history, the buttons that now apply) and a status line says what happened.
 */
(function () {
  "use strict";

  function token(element) {
    var form = element.closest("form") || document;
    var input = form.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(url, element, fields) {
    var csrf = token(element);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    Object.keys(fields || {}).forEach(function (name) { body.append(name, fields[name]); });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error("unexpected answer");
      }
      return response.json();
    });
  }

  function say(box, message) {
    var status = box.querySelector(".queue-row-status");
    if (status) { status.textContent = message; }
    var page = document.getElementById("queue-status");
    if (page) { page.textContent = message; }
  }

  function update(box, answer) {
    if (!answer.state) { return; }
    box.dataset.state = answer.state;
    box.querySelector(".queue-state").textContent = answer.state_label;
    box.querySelector(".queue-history").textContent = answer.history;
    (answer.actions || []).forEach(function (action) {
      var button = box.querySelector('.queue-action[data-action="' + action.name + '"]');
      if (button) { button.hidden = !action.applies; }
    });
    var reply = box.querySelector(".queue-reply-link");
    if (reply) { reply.hidden = !answer.can_reply; }
  }

  function act(button) {
    var box = button.closest(".queue-comment");
    var buttons = box.querySelectorAll(".queue-action");
    buttons.forEach(function (b) { b.disabled = true; });
    send(button.formAction, button).then(function (answer) {
      update(box, answer);
      say(box, answer.message);
    }).catch(function () {
      say(box, "The server could not be reached: nothing changed. Try again.");
    }).then(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      if (button.hidden) { box.querySelector(".queue-row-status").focus(); }
    });
  }

  function openReply(link) {
    var box = link.closest(".queue-comment");
    var open = box.querySelector(".queue-inline-reply");
    if (open) { open.querySelector("textarea").focus(); return; }
    var pk = box.dataset.comment;
    var group = document.createElement("div");
    group.className = "queue-inline-reply";
    group.setAttribute("role", "group");
    var label = document.createElement("label");
    label.htmlFor = "queue-reply-" + pk;
    label.textContent = "Reply to " + link.dataset.name;
    var text = document.createElement("textarea");
    text.id = "queue-reply-" + pk;
    text.rows = 4;
    var error = document.createElement("p");
    error.className = "queue-reply-error";
    error.id = "queue-reply-error-" + pk;
    error.hidden = true;
    var send_ = document.createElement("button");
    send_.type = "button";
    send_.className = "queue-reply-send";
    send_.textContent = "Post reply";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "queue-reply-cancel";
    cancel.textContent = "Cancel";
    group.append(label, text, error, send_, cancel);
    box.querySelector(".queue-actions").after(group);
    text.focus();

    cancel.addEventListener("click", function () { group.remove(); link.focus(); });
    send_.addEventListener("click", function () {
      send_.disabled = true;
      send(link.href.split("?")[0], link, {text: text.value}).then(function (answer) {
        if (answer.ok) {
          update(box, answer);
          group.remove();
          say(box, answer.message);
          box.querySelector(".queue-row-status").focus();
        } else {
          error.textContent = answer.message;
          error.hidden = false;
          text.setAttribute("aria-invalid", "true");
          text.setAttribute("aria-describedby", error.id);
          say(box, answer.message);
          text.focus();
        }
      }).catch(function () {
        error.textContent = "The server could not be reached: your reply was not posted. Try again.";
        error.hidden = false;
      }).then(function () { send_.disabled = false; });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".queue-action");
    if (button && button.closest(".queue-comment")) {
      event.preventDefault();
      act(button);
      return;
    }
    var link = event.target.closest(".queue-reply-link");
    if (link && link.closest(".queue-comment")) {
      event.preventDefault();
      openReply(link);
    }
  });
}());
