/* The roll call: "All present", the live count per status, the name filter, and saving that
   survives a lost network. Without JavaScript the form posts as a plain form.

   With JavaScript a save goes as JSON to the form's data-save-url. The marks are first kept in
   localStorage (one key per session, with the time they were taken and the version of the
   saved marks the page was opened with); they leave it once the server has saved them. When
   the network is down they wait there, and go on the "online" event, on the next roll call
   page opened, and every half minute. A roll call someone changed in between answers 409:
   both sets of marks are shown and the teacher chooses; the kept copy stays until then. */
(function () {
    "use strict";
    var PREFIX = "heritage.roll-call.";
    var RETRY_MS = 30000;
    var box = document.querySelector("[data-roll-queue]");
    var form = document.getElementById("roll-call");
    var statusesNode = document.getElementById("roll-call-statuses");
    var statuses = statusesNode ? JSON.parse(statusesNode.textContent) : [];
    var storage = null;
    try {
        storage = window.localStorage;
        storage.getItem(PREFIX);
    } catch (error) {
        storage = null;  /* private mode or storage switched off: the form posts as before */
    }

    function format(template, values) {
        return template.replace(/%\((\w+)\)s/g, function (whole, name) {
            return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
        });
    }

    function statusLabel(code) {
        for (var i = 0; i < statuses.length; i += 1) {
            if (statuses[i][0] === code) { return statuses[i][1]; }
        }
        return code;
    }

    function clock(iso) {
        var date = new Date(iso);
        if (isNaN(date.getTime())) { return ""; }
        function two(n) { return (n < 10 ? "0" : "") + n; }
        return two(date.getHours()) + ":" + two(date.getMinutes());
    }

    /* ---- the queue in localStorage ---- */

    function entries() {
        var found = [];
        if (!storage) { return found; }
        for (var i = 0; i < storage.length; i += 1) {
            var key = storage.key(i);
            if (key && key.indexOf(PREFIX) === 0) {
                try {
                    found.push(JSON.parse(storage.getItem(key)));
                } catch (error) {
                    /* not ours to read: left alone */
                }
            }
        }
        return found.sort(function (a, b) { return a.takenAt < b.takenAt ? -1 : 1; });
    }

    function entryFor(session) {
        if (!storage) { return null; }
        var raw = storage.getItem(PREFIX + session);
        try {
            return raw ? JSON.parse(raw) : null;
        } catch (error) {
            return null;
        }
    }

    function keep(entry) { storage.setItem(PREFIX + entry.session, JSON.stringify(entry)); }

    function drop(entry) { storage.removeItem(PREFIX + entry.session); }

    /* ---- what the teacher sees of it ---- */

    var queueText = box && box.querySelector("[data-queue-text]");
    var queueList = box && box.querySelector("[data-queue-list]");
    var discard = box && box.querySelector("[data-queue-discard]");
    var note = "";  /* the outcome of the last attempt: offline, sent, refused… */

    function render() {
        if (!box) { return; }
        var waiting = entries();
        var lines = [];
        if (waiting.length === 1) {
            lines.push(box.getAttribute("data-one"));
        } else if (waiting.length > 1) {
            lines.push(format(box.getAttribute("data-many"), { n: waiting.length }));
        }
        if (note) { lines.push(note); }
        queueText.textContent = lines.join(" ");
        queueText.hidden = lines.length === 0;
        box.setAttribute("data-waiting", String(waiting.length));
        queueList.textContent = "";
        var mine = null;
        waiting.forEach(function (entry) {
            if (String(entry.session) === box.getAttribute("data-session")) { mine = entry; }
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = entry.page;
            link.textContent = entry.label;
            item.appendChild(link);
            item.appendChild(document.createTextNode(
                " · " + format(box.getAttribute("data-taken"), { time: clock(entry.takenAt) })
            ));
            if (entry.error) { item.appendChild(document.createTextNode(" · " + entry.error)); }
            queueList.appendChild(item);
        });
        queueList.hidden = waiting.length === 0;
        discard.hidden = !(mine && mine.error);
        if (form) { showConflict(mine && mine.conflict ? mine : null); }
    }

    /* ---- sending ---- */

    function cookie(name) {
        var parts = document.cookie ? document.cookie.split("; ") : [];
        for (var i = 0; i < parts.length; i += 1) {
            var eq = parts[i].indexOf("=");
            if (parts[i].slice(0, eq) === name) { return decodeURIComponent(parts[i].slice(eq + 1)); }
        }
        return "";
    }

    function formToken() {
        var input = document.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    /* Logging in again gives a new CSRF token: the cookie has it, and failing that the roll
       call page itself, fetched afresh. */
    function freshToken(page) {
        return fetch(page, { credentials: "same-origin" }).then(function (response) {
            return response.text();
        }).then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            var input = doc.querySelector("input[name=csrfmiddlewaretoken]");
            var token = input ? input.value : "";
            var own = document.querySelector("input[name=csrfmiddlewaretoken]");
            if (token && own) { own.value = token; }
            return token;
        });
    }

    function post(entry, token, queued) {
        return fetch(entry.url, {
            method: "POST",
            credentials: "same-origin",
            headers: {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": token
            },
            body: JSON.stringify({ marks: entry.marks, version: entry.version, queued: queued })
        });
    }

    function isJson(response) {
        return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
    }

    /* Resolves to {kind, data}: saved, conflict, refused, login or offline. Never rejects. */
    function send(entry, queued) {
        if (navigator.onLine === false) { return Promise.resolve({ kind: "offline" }); }
        function attempt(token, retried) {
            return post(entry, token, queued).then(function (response) {
                if (response.status === 404) {
                    /* the session is gone or no longer the teacher's: nothing to wait for */
                    return { kind: "refused", data: { error: box.getAttribute("data-gone") } };
                }
                if (!isJson(response)) {
                    /* a CSRF refusal or the login page: once more with a fresh token */
                    if (!retried && !response.redirected) {
                        return freshToken(entry.page).then(function (fresh) {
                            return fresh ? attempt(fresh, true) : { kind: "login" };
                        });
                    }
                    return { kind: "login" };
                }
                return response.json().then(function (data) {
                    if (response.ok) { return { kind: "saved", data: data }; }
                    if (response.status === 409) { return { kind: "conflict", data: data }; }
                    return { kind: "refused", data: data };
                });
            });
        }
        return attempt(cookie("csrftoken") || formToken(), false).catch(function () {
            return { kind: "offline" };
        });
    }

    /* What an answer to a kept roll call does to the queue and the page. */
    function settle(entry, result) {
        if ((result.kind === "conflict" || result.kind === "refused") && !entryFor(entry.session)) {
            /* discarded by the teacher while the answer was on its way: nothing to keep */
            return result.kind;
        }
        if (result.kind === "saved") {
            drop(entry);
            if (form && String(entry.session) === form.getAttribute("data-session")) {
                form.setAttribute("data-version", result.data.version);
            }
            note = box ? box.getAttribute("data-sent") : "";
        } else if (result.kind === "conflict") {
            delete entry.error;
            entry.conflict = result.data;
            keep(entry);
            note = "";
        } else if (result.kind === "refused") {
            entry.error = result.data.error || "";
            keep(entry);
            note = format(box ? box.getAttribute("data-refused") : "%(error)s", { error: entry.error });
        } else if (result.kind === "login") {
            note = box ? box.getAttribute("data-login") : "";
        } else {
            note = box ? box.getAttribute("data-offline") : "";
        }
        return result.kind;
    }

    var flushing = false;

    function flush() {
        if (flushing || !storage) { return Promise.resolve(); }
        var waiting = entries().filter(function (entry) { return !entry.conflict; });
        if (!waiting.length) { render(); return Promise.resolve(); }
        flushing = true;
        note = box ? box.getAttribute("data-sending") : "";
        render();
        var chain = Promise.resolve("start");
        waiting.forEach(function (entry) {
            chain = chain.then(function (last) {
                if (last === "offline" || last === "login") { return last; }  /* try later */
                return send(entry, true).then(function (result) { return settle(entry, result); });
            });
        });
        return chain.then(function () {
            flushing = false;
            render();
        });
    }

    if (discard) {
        discard.addEventListener("click", function () {
            var entry = entryFor(box.getAttribute("data-session"));
            if (entry) { drop(entry); }
            window.location.reload();
        });
    }

    window.addEventListener("online", flush);
    window.setInterval(function () {
        if (entries().length && navigator.onLine !== false) { flush(); }
    }, RETRY_MS);

    if (!form) {
        flush();
        return;
    }

    /* ---- the form ---- */

    var summary = form.querySelector("[data-summary]");
    var filter = form.querySelector("[data-roll-filter]");
    var noMatch = form.querySelector("[data-no-match]");
    var rows = Array.prototype.slice.call(form.querySelectorAll(".roll-row"));
    var session = form.getAttribute("data-session");

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

    function collect() {
        var marks = {};
        rows.forEach(function (row) {
            var child = row.getAttribute("data-child");
            var checked = row.querySelector("input[type=radio]:checked");
            if (!checked) { return; }
            var reason = row.querySelector("input[name=reason_" + child + "]");
            marks[child] = { status: checked.value, reason: reason ? reason.value : "" };
        });
        return marks;
    }

    function show(marks) {
        rows.forEach(function (row) {
            var child = row.getAttribute("data-child");
            var mark = marks[child];
            if (!mark) { return; }
            var radio = row.querySelector("input[type=radio][value='" + mark.status + "']");
            if (radio) { radio.checked = true; }
            var reason = row.querySelector("input[name=reason_" + child + "]");
            if (reason) { reason.value = mark.reason || ""; }
        });
        update();
    }

    function nameOf(child) {
        var row = form.querySelector(".roll-row[data-child='" + child + "']");
        return row ? row.getAttribute("data-name") : "#" + child;
    }

    /* ---- a conflict with a change saved meanwhile ---- */

    var panel = form.querySelector("[data-conflict]");
    var conflictWho = panel.querySelector("[data-conflict-who]");
    var conflictRows = panel.querySelector("[data-conflict-rows]");
    var unmarked = panel.querySelector("table").getAttribute("data-unmarked");

    function describe(mark) {
        if (!mark) { return unmarked; }
        return statusLabel(mark.status) + (mark.reason ? " · " + mark.reason : "");
    }

    function same(a, b) {
        return !!a && !!b && a.status === b.status && (a.reason || "") === (b.reason || "");
    }

    function showConflict(entry) {
        if (!entry) { panel.hidden = true; return; }
        var saved = entry.conflict.marks || {};
        conflictWho.textContent = format(conflictWho.getAttribute("data-template"), {
            who: entry.conflict.changed_by || "?",
            when: entry.conflict.changed_at || ""
        });
        conflictRows.textContent = "";
        var children = Object.keys(entry.marks).concat(Object.keys(saved).filter(function (c) {
            return !Object.prototype.hasOwnProperty.call(entry.marks, c);
        }));
        children.forEach(function (child) {
            if (same(entry.marks[child], saved[child])) { return; }
            var tr = document.createElement("tr");
            tr.setAttribute("data-conflict-child", child);
            [nameOf(child), describe(entry.marks[child]), describe(saved[child])].forEach(
                function (text, index) {
                    var cell = document.createElement(index ? "td" : "th");
                    if (!index) { cell.scope = "row"; }
                    cell.textContent = text;
                    tr.appendChild(cell);
                }
            );
            conflictRows.appendChild(tr);
        });
        if (panel.hidden) {
            panel.hidden = false;
            panel.scrollIntoView({ block: "start" });
        }
    }

    panel.querySelector("[data-keep-mine]").addEventListener("click", function () {
        var entry = entryFor(session);
        if (!entry || !entry.conflict) { return; }
        /* Sent again on the version just seen: a change after it is another conflict. */
        entry.version = entry.conflict.version;
        delete entry.conflict;
        keep(entry);
        flush();
    });
    panel.querySelector("[data-keep-saved]").addEventListener("click", function () {
        var entry = entryFor(session);
        if (entry) { drop(entry); }
        window.location.reload();
    });

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

    if (storage && window.fetch) {
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            var earlier = entryFor(session);
            var entry = {
                session: session,
                url: form.getAttribute("data-save-url"),
                page: window.location.pathname,
                label: form.getAttribute("data-label"),
                marks: collect(),
                /* marks taken again over kept ones still answer to the version first seen */
                version: earlier ? earlier.version : form.getAttribute("data-version"),
                takenAt: new Date().toISOString()
            };
            if (earlier && earlier.conflict) { entry.conflict = earlier.conflict; }
            keep(entry);  /* before sending: a page closed mid-send loses nothing */
            if (entry.conflict) { render(); return; }
            note = box.getAttribute("data-sending");
            render();
            send(entry, false).then(function (result) {
                if (result.kind === "saved") {
                    drop(entry);
                    window.location.assign(window.location.pathname);  /* the server's summary */
                    return;
                }
                if (result.kind === "refused" && result.data.error) {
                    drop(entry);  /* refused while online: corrected on the page, not kept */
                    note = result.data.error;
                    render();
                    return;
                }
                settle(entry, result);
                render();
            });
        });
    }

    var kept = entryFor(session);
    if (kept) { show(kept.marks); }  /* the page shows the marks still waiting, not the older ones */
    update();
    applyFilter();
    flush();
})();
