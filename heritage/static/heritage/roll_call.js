/* The roll call: "All present", the live count per status, and the name filter. */
(function () {
    "use strict";
    var form = document.getElementById("roll-call");
    if (!form) { return; }
    var summary = form.querySelector("[data-summary]");
    var filter = form.querySelector("[data-roll-filter]");
    var noMatch = form.querySelector("[data-no-match]");
    var rows = Array.prototype.slice.call(form.querySelectorAll(".roll-row"));
    var statuses = JSON.parse(document.getElementById("roll-call-statuses").textContent);
    function update() {
        var counts = {};
        form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
            counts[input.value] = (counts[input.value] || 0) + 1;
        });
        summary.textContent = statuses.map(function (status) {
            return status[1] + " " + (counts[status[0]] || 0);
        }).join(" · ");
    }
    function applyFilter() {
        var query = filter.value.trim().toLowerCase();
        var shown = 0;
        rows.forEach(function (row) {
            var match = !query || row.getAttribute("data-name").toLowerCase().indexOf(query) !== -1;
            row.hidden = !match;
            if (match) { shown += 1; }
        });
        noMatch.hidden = shown > 0 || rows.length === 0;
    }
    form.querySelector("[data-all-present]").addEventListener("click", function () {
        form.querySelectorAll("input[type=radio][value=present]").forEach(function (input) {
            input.checked = true;
        });
        update();
    });
    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }  /* Enter filters, never saves */
    });
    form.addEventListener("change", update);
    update();
    applyFilter();
})();
