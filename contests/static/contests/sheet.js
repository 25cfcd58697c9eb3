/* The judge's score sheet: each row's weighted subtotal follows the typing, drafts save by
   themselves (debounced, through the sheet's own draft save, answered in JSON), and leaving
   with unsaved changes asks first. The server rounds and validates the same way: a cell that
   is not a valid score (over the maximum, more than 2 decimals) counts as empty. */
(function () {
    "use strict";
    var form = document.querySelector("form[data-sheet]");
    var grid = document.querySelector("table.sheet-grid");
    var DELAY = 1500;

    // "12.5" -> 1250 hundredths; null for empty; NaN for anything the server refuses.
    function hundredths(raw) {
        var text = String(raw).trim().replace(/，/g, ".").replace(/,/g, ".");
        if (text === "") { return null; }
        var match = /^\+?(\d*)(?:\.(\d*))?$/.exec(text);
        if (!match || (match[1] === "" && !match[2])) { return NaN; }
        var fraction = match[2] || "";
        if (/[1-9]/.test(fraction.slice(2))) { return NaN; }
        return parseInt(match[1] || "0", 10) * 100 + parseInt((fraction + "00").slice(0, 2), 10);
    }

    function thousandths(raw) {
        var parts = String(raw).split(".");
        return parseInt(parts[0], 10) * 1000 + parseInt(((parts[1] || "") + "000").slice(0, 3), 10);
    }

    function format(cents) {
        var rest = String(cents % 100);
        return Math.floor(cents / 100) + "." + (rest.length < 2 ? "0" + rest : rest);
    }

    function updateRow(row) {
        var sum = 0; // in units of 0.00001: hundredths of a point times thousandths of weight
        row.querySelectorAll("input[data-weight]").forEach(function (input) {
            var value = hundredths(input.value);
            var maximum = hundredths(input.dataset.max);
            if (value === null || isNaN(value) || value > maximum) { return; }
            sum += value * thousandths(input.dataset.weight);
        });
        var output = row.querySelector("[data-subtotal]");
        if (output) { output.textContent = format(Math.floor((sum + 500) / 1000)); }
    }

    if (grid) {
        grid.addEventListener("input", function (event) {
            var row = event.target.closest("tr[data-row]");
            if (row) { updateRow(row); }
        });
    }
    if (!form) { return; }

    var status = form.querySelector("[data-autosave-status]");
    var version = 0;
    var savedVersion = 0;
    var timer = null;
    var inFlight = false;
    var leaving = false;

    function say(text) { if (status) { status.textContent = text; } }

    function clearErrors() {
        form.querySelectorAll("td.cell--autosave-error").forEach(function (cell) {
            cell.classList.remove("cell--autosave-error", "cell--error");
            var input = cell.querySelector("input");
            if (input) { input.removeAttribute("aria-invalid"); }
            var note = cell.querySelector("p.error");
            if (note) { note.remove(); }
        });
    }

    function showErrors(errors) {
        Object.keys(errors || {}).forEach(function (name) {
            var input = form.querySelector('input[name="' + name + '"]');
            if (!input) { return; }
            var cell = input.closest("td");
            cell.classList.add("cell--error", "cell--autosave-error");
            input.setAttribute("aria-invalid", "true");
            var note = cell.querySelector("p.error") || document.createElement("p");
            note.className = "error";
            note.textContent = errors[name];
            cell.appendChild(note);
        });
    }

    function save() {
        timer = null;
        if (leaving || version === savedVersion) { return; }
        if (inFlight) { schedule(); return; }
        var sent = version;
        var data = new FormData(form);
        data.set("action", "draft");
        inFlight = true;
        say(form.dataset.msgSaving);
        // Not form.action: the buttons named "action" shadow that property.
        fetch(form.getAttribute("action") || window.location.href, {
            method: "POST",
            body: data,
            credentials: "same-origin",
            headers: { "Accept": "application/json" }
        })
            .then(function (response) {
                if (!(response.headers.get("Content-Type") || "").includes("json")) {
                    throw new Error(String(response.status));
                }
                return response.json();
            })
            .then(function (answer) {
                clearErrors();
                if (answer.ok) {
                    if (version === sent) { savedVersion = sent; }
                } else {
                    showErrors(answer.errors);
                }
                say(answer.message);
                form.dataset.autosaved = answer.ok ? "yes" : "no";
            })
            .catch(function () {
                say(form.dataset.msgOffline);
                setTimeout(schedule, 10000);
            })
            .then(function () { inFlight = false; });
    }

    function schedule() {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(save, DELAY);
    }

    form.addEventListener("input", function () {
        version += 1;
        schedule();
    });
    form.addEventListener("submit", function () {
        leaving = true;
        if (timer) { clearTimeout(timer); }
    });
    window.addEventListener("beforeunload", function (event) {
        if (!leaving && version !== savedVersion) {
            event.preventDefault();
            event.returnValue = "";
        }
    });
})();
