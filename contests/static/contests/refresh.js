// Refresh a part of the page from the address in its data-refresh-url, every
// data-refresh-seconds (15 by default), while the page is visible. The answer is a fragment
// of HTML rendered by the server; a failed fetch leaves the last one in place.
(function () {
  var boxes = document.querySelectorAll("[data-refresh-url]");
  Array.prototype.forEach.call(boxes, function (box) {
    var url = box.dataset.refreshUrl;
    var seconds = parseInt(box.dataset.refreshSeconds, 10) || 15;
    function refresh() {
      if (document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          box.innerHTML = html;
          box.dataset.refreshedAt = String(Date.now());
        })
        .catch(function () {});
    }
    setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) refresh();
    });
  });
})();
