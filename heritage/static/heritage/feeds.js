/* Calendar feeds: a "Copy the address" button where the browser can copy. */
(function () {
    "use strict";
    if (!navigator.clipboard) { return; }
    document.querySelectorAll("[data-copy]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
            var input = document.getElementById(button.dataset.copy);
            navigator.clipboard.writeText(input.value).then(function () {
                button.textContent = button.dataset.copied;
            });
        });
    });
})();
