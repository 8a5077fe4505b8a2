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
    var cancel = document.createElement("button");
    cancel.type = "button"; cancel.className = "secondary"; cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { clone.remove(); link.focus(); });
    clone.querySelector(".form-buttons").appendChild(cancel);
    li.querySelector(":scope > article").after(clone);
    clone.querySelector("textarea").focus();
  });
})();
