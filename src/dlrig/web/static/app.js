// dlrig web planner: a little progressive enhancement. Every page works without it.
"use strict";

// Filter forms marked data-autosubmit update as soon as a field changes (the Apply button stays
// for keyboard users and for browsers without JavaScript). Text fields wait for a pause.
function autoSubmit(form) {
  let timer = null;
  const submit = () => {
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  };
  form.addEventListener("change", (event) => {
    if (event.target.matches("select, input[type=checkbox], input[type=radio]")) submit();
  });
  form.addEventListener("input", (event) => {
    if (!event.target.matches("input[type=number], input[type=text]")) return;
    clearTimeout(timer);
    timer = setTimeout(submit, 700);
  });
}

// Long computations (the planner proves its answer; that takes a few seconds) say so.
function busyOnSubmit(form) {
  form.addEventListener("submit", () => {
    const status = form.querySelector("[data-busy]");
    if (status) status.textContent = status.dataset.busy;
    const button = form.querySelector("button[type=submit]");
    if (button) setTimeout(() => { button.disabled = true; }, 0); // after the browser reads the form
  });
}

// Client-side sorting for tables marked data-sortable: click or press Enter on a header button.
function sortable(table) {
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((th, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "th-sort";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const key = (row) => {
        const cell = row.cells[index];
        const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
        const number = parseFloat(raw.replace(/[$,]/g, ""));
        return Number.isNaN(number) ? raw.toLowerCase() : number;
      };
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        const order = x < y ? -1 : x > y ? 1 : 0;
        return ascending ? order : -order;
      });
      rows.forEach((row) => body.appendChild(row));
    });
  });
}

// A form with a question (training or inference) shows only that question's fields, and sends
// only them (a disabled fieldset is not submitted). Without JavaScript both show; the server
// reads the fields of the chosen question.
function modeFields(form) {
  const mode = form.querySelector("select[name=mode]");
  if (!mode) return;
  const show = () => {
    form.querySelectorAll("fieldset[data-mode]").forEach((set) => {
      const on = set.dataset.mode === mode.value;
      set.hidden = !on;
      set.disabled = !on;
    });
  };
  mode.addEventListener("change", show);
  show();
}

document.querySelectorAll("form[data-modes]").forEach(modeFields);
document.querySelectorAll("form[data-autosubmit]").forEach(autoSubmit);
document.querySelectorAll("form[data-busy-form]").forEach(busyOnSubmit);
document.querySelectorAll("table[data-sortable]").forEach(sortable);
