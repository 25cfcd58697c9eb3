// Suggested skills: a tap adds the skill to the skills field (or takes it out again).
(function () {
  "use strict";
  var SEPARATORS = /[,，、；;\n]+/;

  function names(input) {
    return input.value.split(SEPARATORS).map(function (name) { return name.trim(); })
      .filter(Boolean);
  }

  function refresh(box, input) {
    var current = names(input);
    box.querySelectorAll("button[data-skill]").forEach(function (button) {
      button.setAttribute("aria-pressed", current.indexOf(button.dataset.skill) >= 0 ? "true" : "false");
    });
  }

  document.querySelectorAll("[data-skill-input]").forEach(function (box) {
    var input = document.getElementById(box.dataset.skillInput);
    if (!input) { return; }
    box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-skill]");
      if (!button) { return; }
      var current = names(input);
      var at = current.indexOf(button.dataset.skill);
      if (at >= 0) { current.splice(at, 1); } else { current.push(button.dataset.skill); }
      input.value = current.join("，");
      refresh(box, input);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("input", function () { refresh(box, input); });
    refresh(box, input);
  });
})();
