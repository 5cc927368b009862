// Small behaviours declared with data-* attributes, in place of inline event handlers, which the
// Content-Security-Policy forbids.
//   data-autosubmit        on a form control: submit its form when the value changes
//   data-confirm="text"    on a button or link: ask first; cancel unless confirmed
//   data-select-on-focus   on an input: select its whole text when focused (for copying)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var control = event.target.closest && event.target.closest("[data-autosubmit]");
    if (control && control.form) {
      control.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var element = event.target.closest && event.target.closest("[data-confirm]");
    if (element && !window.confirm(element.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("focusin", function (event) {
    var input = event.target.closest && event.target.closest("[data-select-on-focus]");
    if (input && input.select) {
      input.select();
    }
  });
})();
