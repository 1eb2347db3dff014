// Enhancements only: every page works without this file.
(function () {
  'use strict';
  // A sign-in page submits its one-time token by itself (link previews do not run scripts).
  var auto = document.querySelector('form[data-autosubmit]');
  if (auto) auto.submit();

  // "Select all" boxes tick the boxes of their table.
  document.querySelectorAll('input[data-select-all]').forEach(function (box) {
    box.addEventListener('change', function () {
      var scope = box.closest('form') || document;
      scope.querySelectorAll('input[name="' + box.dataset.selectAll + '"]').forEach(function (item) {
        item.checked = box.checked;
      });
    });
  });

  // Buttons that change much ask first.
  document.addEventListener('click', function (event) {
    var target = event.target.closest('[data-confirm]');
    if (target && !window.confirm(target.dataset.confirm)) event.preventDefault();
  });

  // Keyboard shortcuts: an element with data-key="x" is clicked (or focused) on the key x,
  // unless the user is typing.
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || '').toLowerCase();
    if (tag === 'input' || tag === 'textarea' || tag === 'select') return;
    var target = document.querySelector('[data-key="' + event.key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.matches('input, select, textarea')) target.focus();
    else target.click();
  });
})();
