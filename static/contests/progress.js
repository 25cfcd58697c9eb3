// Poll the certificate batch's progress while it runs, and move the bar.
(function () {
  var box = document.getElementById("certificate-progress");
  if (!box) return;
  var url = box.dataset.progressUrl;
  var bar = box.querySelector("progress");
  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.percent;
        box.querySelector("[data-done]").textContent = data.done;
        box.dataset.status = data.status;
        if (data.percent < 100 && data.status !== "failed") setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (box.dataset.status !== "done" || bar.value < 100) poll();
})();
