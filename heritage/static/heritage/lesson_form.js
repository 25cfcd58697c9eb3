// "Add a step" on the lesson draft form: copies the empty step form and counts it in.
(function () {
  var button = document.querySelector("[data-add-step]");
  var list = document.querySelector("[data-step-forms]");
  var template = document.querySelector("[data-step-template]");
  var total = document.querySelector("input[name=steps-TOTAL_FORMS]");
  var max = document.querySelector("input[name=steps-MAX_NUM_FORMS]");
  if (!button || !list || !template || !total) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = list.lastElementChild.querySelector("input, textarea");
    if (added) added.focus();
  });
})();
