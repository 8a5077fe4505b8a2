// Progressive enhancement for comments: "Reply" opens the form under the comment
// instead of going to the reply page; a permalink to a comment on another page of the
// thread is sent to the right page; a counter appears near the length limit. Without
// JavaScript the links work as plain links and the server explains a text too long.
(function () {
  "use strict";
  var form = document.querySelector(".comments .comment-form");
  var hash = window.location.hash;
  if (/^#c\d+$/.test(hash) && !document.getElementById(hash.slice(1))) {
    window.location.replace("/comments/c/" + hash.slice(2) + "/");
    return;
  }
  // A counter under the comment box, shown near the limit (never cutting what was typed).
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".comment-form textarea[data-max-length]")) return;
    var max = parseInt(box.dataset.maxLength, 10);
    var counter = box.parentNode.querySelector(".char-count");
    if (!counter) {
      counter = document.createElement("p");
      counter.className = "char-count";
      counter.setAttribute("aria-live", "polite");
      box.after(counter);
    }
    var left = max - box.value.length;
    counter.hidden = left > max / 10;
    counter.classList.toggle("over", left < 0);
    counter.textContent = left >= 0
      ? left.toLocaleString("en") + " character" + (left === 1 ? "" : "s") + " left"
      : (-left).toLocaleString("en") + " character" + (left === -1 ? "" : "s") +
        " over the limit of " + max.toLocaleString("en") + ": please shorten it before posting";
  });
  // "Remember me": the reader's name, email and website kept in this browser only
  // (localStorage), so pages stay the same for everyone and can be shared from the cache.
  var KEY = "comment-author";
  function remembered() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }
  function fillRemembered(target) {
    var who = remembered();
    var box = target.querySelector("input.remember-me");
    if (box) box.checked = !!who;
    if (!who) return;
    ["name", "email", "url"].forEach(function (field) {
      var input = target.querySelector("input[name=" + field + "]");
      if (input && !input.value && who[field]) input.value = who[field];
    });
  }
  document.querySelectorAll(".comment-form").forEach(function (target, n) {
    var url = target.querySelector("input[name=url]");
    if (!url || target.querySelector("input.remember-me")) return;
    var label = document.createElement("label");
    label.className = "remember";
    var box = document.createElement("input");
    box.type = "checkbox"; box.className = "remember-me"; box.id = "remember-me-" + n;
    label.htmlFor = box.id;
    label.append(" Remember my name, email and website in this browser");
    var holder = document.createElement("p");
    holder.className = "field field-checkbox";
    label.prepend(box);
    holder.append(label);
    url.closest("p, div") ? url.closest("p, div").after(holder) : url.after(holder);
    fillRemembered(target);
  });
  document.addEventListener("submit", function (event) {
    var target = event.target;
    var box = target.querySelector && target.querySelector("input.remember-me");
    if (!box) return;
    try {
      if (box.checked) {
        var who = {};
        ["name", "email", "url"].forEach(function (field) {
          var input = target.querySelector("input[name=" + field + "]");
          who[field] = input ? input.value : "";
        });
        window.localStorage.setItem(KEY, JSON.stringify(who));
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) { /* storage refused (private mode): nothing to remember */ }
  });
  // Edit and Delete on this browser's own comments, while the edit window is open. The ids
  // come from a plain cookie set after posting; the server checks its signed twin.
  var own = (document.cookie.match(/(?:^|; )comments_own_ids=([^;]*)/) || [])[1];
  if (own) {
    decodeURIComponent(own).replace(/^"|"$/g, "").split(",").forEach(function (part) {
      var bits = part.split(":"), pk = bits[0], deadline = parseInt(bits[1], 10) * 1000;
      var li = document.getElementById("c" + pk);
      if (!li || !(deadline > Date.now())) return;
      var article = li.querySelector(":scope > article");
      var footer = article.querySelector(":scope > .comment-actions");
      if (!footer) { footer = document.createElement("footer"); footer.className = "comment-actions"; article.append(footer); }
      var edit = document.createElement("a");
      edit.href = "/comments/edit/" + pk + "/"; edit.textContent = "Edit"; edit.className = "edit-link";
      var del = document.createElement("form");
      del.method = "post"; del.action = "/comments/delete/" + pk + "/"; del.className = "delete-form";
      var button = document.createElement("button");
      button.type = "submit"; button.className = "link-button"; button.textContent = "Delete";
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");  // signed-in pages carry one
      if (token) del.append(token.cloneNode());
      del.append(button);
      del.addEventListener("submit", function (event) {
        if (!window.confirm("Delete your comment? This cannot be undone.")) event.preventDefault();
      });
      footer.append(edit, del);
    });
  }
  if (!form) return;
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".reply-link");
    if (!link) return;
    event.preventDefault();
    var li = document.getElementById("c" + link.dataset.replyTo);
    var existing = li.querySelector(":scope > .comment-form");
    if (existing) { existing.querySelector("textarea").focus(); return; }
    var clone = form.cloneNode(true);
    clone.querySelector("[name=reply_to]").value = link.dataset.replyTo;
    clone.querySelectorAll("[id]").forEach(function (el) { el.id = el.id + "-r" + link.dataset.replyTo; });
    clone.querySelectorAll("label[for]").forEach(function (el) { el.htmlFor = el.htmlFor + "-r" + link.dataset.replyTo; });
    clone.querySelectorAll("[aria-describedby]").forEach(function (el) {
      el.setAttribute("aria-describedby", el.getAttribute("aria-describedby") + "-r" + link.dataset.replyTo);
    });
    clone.querySelectorAll("textarea").forEach(function (el) { el.value = ""; });
    clone.querySelectorAll(".char-count").forEach(function (el) { el.remove(); });
    fillRemembered(clone);
    var cancel = document.createElement("button");
    cancel.type = "button"; cancel.className = "secondary"; cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { clone.remove(); link.focus(); });
    clone.querySelector(".form-buttons").appendChild(cancel);
    li.querySelector(":scope > article").after(clone);
    clone.querySelector("textarea").focus();
  });
})();
