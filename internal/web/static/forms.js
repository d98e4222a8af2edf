// The error summary above a refused form (GOV.UK pattern). The page works
// without this script: the box carries autofocus and its links are plain
// anchors. With it, the box takes focus even where autofocus is not
// honoured, and following a link puts the caret in the field, its label in
// view, rather than only scrolling to it.
(function () {
  "use strict";
  var box = document.querySelector("[data-error-summary]");
  if (!box) {
    return;
  }
  if (document.activeElement !== box) {
    box.focus();
  }
  box.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (!link) {
      return;
    }
    var id = link.getAttribute("href").slice(1);
    var field = document.getElementById(id);
    if (!field) {
      return;
    }
    event.preventDefault();
    var label = document.querySelector('label[for="' + id + '"]') || field.closest("fieldset") || field;
    label.scrollIntoView();
    field.focus({ preventScroll: true });
    history.replaceState(null, "", "#" + id);
  });
})();
