// The hall board: every data-refresh-seconds (10 by default), ask the board's JSON address for
// the current state and replace the board's content with it, without reloading the page. A
// failed fetch leaves the last state on screen and marks the board as stale; a revoked link
// (404) says so.
(function () {
  var board = document.getElementById("board");
  if (!board) return;
  var url = board.dataset.boardUrl;
  var seconds = parseInt(board.dataset.refreshSeconds, 10) || 10;
  function refresh() {
    fetch(url, { credentials: "omit", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404) {
          return response.text().then(function (text) {
            board.textContent = text;
            board.dataset.state = "revoked";
            throw new Error("revoked");
          });
        }
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        board.innerHTML = data.html;
        board.dataset.state = "fresh";
        board.dataset.refreshedAt = String(Date.now());
      })
      .catch(function () {
        if (board.dataset.state !== "revoked") board.dataset.state = "stale";
      });
  }
  setInterval(function () {
    if (board.dataset.state !== "revoked") refresh();
  }, seconds * 1000);
})();
