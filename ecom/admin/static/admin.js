// The back office's behaviour that Flask-Admin writes as inline handlers, which its CSP
// (no 'unsafe-inline' script) refuses: links that do nothing, list actions, confirmations.
"use strict";

document.addEventListener("click", (event) => {
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
});

document.addEventListener("DOMContentLoaded", () => {
  // Flask-Admin's filter menu items carry onclick="return false;": the click handler above
  // already does that, and the attribute would only be refused.
  document.querySelectorAll("a.filter[onclick]").forEach((link) => link.removeAttribute("onclick"));
});
