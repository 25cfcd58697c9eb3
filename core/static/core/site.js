/* Behaviours shared by every page, declared in the markup with data- attributes, so that no
   page needs an inline script or event handler (the Content-Security-Policy forbids them).
   - form[data-confirm], button[data-confirm]: ask before sending; nothing is sent on "Cancel".
   - button[data-print]: print the page.
   - input[data-select-on-click]: select the whole value on click (addresses to copy). */
(function () {
    "use strict";
    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
            event.preventDefault();
        }
    });
    document.addEventListener("click", function (event) {
        var target = event.target;
        if (!(target instanceof Element)) { return; }
        var button = target.closest("button[data-confirm]");
        if (button && !window.confirm(button.dataset.confirm)) {
            event.preventDefault();
            return;
        }
        if (target.closest("[data-print]")) {
            window.print();
            return;
        }
        if (target.matches("input[data-select-on-click]")) {
            target.select();
        }
    });
})();
