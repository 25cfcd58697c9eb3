// Poll the certificate batch's progress while it runs, and move the bar. While no worker has
// taken the batch yet, say so instead of showing a bar that does not move.
(function () {
  var box = document.getElementById("certificate-progress");
  if (!box) return;
  var url = box.dataset.progressUrl;
  var bar = box.querySelector("progress");
  var waiting = box.querySelector("[data-waiting]");
  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.percent;
        bar.hidden = data.waiting;
        if (waiting) waiting.hidden = !data.waiting;
        box.querySelector("[data-done]").textContent = data.done;
        box.querySelector("[data-status-label]").textContent = data.label;
        box.dataset.status = data.status;
        if (data.percent < 100 && data.status !== "failed") {
          setTimeout(poll, data.waiting ? 5000 : 1500);
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (box.dataset.status !== "done" || bar.value < 100) poll();
})();
