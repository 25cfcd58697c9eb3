/* The roll call: "All present" and the live count per status under the buttons. */
(function () {
    "use strict";
    var form = document.getElementById("roll-call");
    if (!form) { return; }
    var summary = form.querySelector("[data-summary]");
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
    form.querySelector("[data-all-present]").addEventListener("click", function () {
        form.querySelectorAll("input[type=radio][value=present]").forEach(function (input) {
            input.checked = true;
        });
        update();
    });
    form.addEventListener("change", update);
    update();
})();
