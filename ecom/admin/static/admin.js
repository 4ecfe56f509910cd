// The back office's behaviour that Flask-Admin writes as inline handlers, which its CSP
// (no 'unsafe-inline' script) refuses: links that do nothing, list actions, confirmations.
"use strict";

// Capturing, so it runs before Bootstrap's and Flask-Admin's own handlers.
window.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) {
    return;
  }
  // href="javascript:void(0)" (tabs, pagination, filter menu): a click must not run it.
  if (target.closest('a[href^="javascript:"]')) {
    event.preventDefault();
  }
  const action = target.closest("[data-model-action]");
  if (action) {
    event.preventDefault();
    window.modelActions.execute(action.dataset.modelAction);
  }
  const guarded = target.closest("[data-confirm]");
  if (guarded && !window.confirm(guarded.dataset.confirm)) {
    event.preventDefault();
  }
}, true);
