// "Copy link" under a post: copies the post's address instead of following it. Without
// JavaScript (or without clipboard access) it stays a plain link to the post.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-copy-link]");
    if (!link || !navigator.clipboard) return;
    event.preventDefault();
    var status = link.parentNode.querySelector(".copy-status");
    navigator.clipboard.writeText(link.href).then(
      function () { if (status) status.textContent = "Link copied."; },
      function () { window.location.href = link.href; }
    );
  });
})();
