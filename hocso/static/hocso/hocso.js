// Small behaviours declared with data-* attributes, in place of inline event handlers, which the
// Content-Security-Policy forbids.
//   data-autosubmit        on a form control: submit its form when the value changes
//   data-confirm="text"    on a button or link: ask first; cancel unless confirmed
//   data-select-on-focus   on an input: select its whole text when focused (for copying)
//   data-menu              on a <details>: a drop-down; opening it closes the others, Escape or a click elsewhere
//                          closes it
//   data-tree-toggle       on a button with aria-controls: shows or hides that element (a tree's sub-list)
// And, on every page:
//   table.cards            each cell gets data-label from its column's heading (the stacked cards of a phone)
//   .table-wrap            a frame whose table is wider than the screen can be reached with the keyboard
(function () {
  "use strict";
  document.documentElement.classList.add("js");

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

  // Drop-down menus.
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except && !menu.contains(except)) {
        menu.removeAttribute("open");
      }
    });
  }
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.matches && menu.matches("details[data-menu]") && menu.open) {
      closeMenus(menu);
    }
  }, true);
  document.addEventListener("click", function (event) {
    if (!(event.target.closest && event.target.closest("details[data-menu]"))) {
      closeMenus(null);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menu = event.target.closest && event.target.closest("details[data-menu][open]");
    if (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    }
  });

  // Trees.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-tree-toggle]");
    if (!toggle) {
      return;
    }
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    var target = document.getElementById(toggle.getAttribute("aria-controls"));
    if (target) {
      target.hidden = !open;
    }
  });

  // Tables: cards on a phone, and frames a keyboard can scroll.
  function labelCells(root) {
    root.querySelectorAll("table.cards").forEach(function (table) {
      var headings = [];
      table.querySelectorAll("thead tr:first-child > th").forEach(function (th) {
        var span = parseInt(th.getAttribute("colspan") || "1", 10);
        for (var i = 0; i < span; i++) {
          headings.push(th.textContent.trim());
        }
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && !cell.hasAttribute("colspan") && headings[column] !== undefined) {
            cell.setAttribute("data-label", headings[column]);
          }
          column += parseInt(cell.getAttribute("colspan") || "1", 10);
        });
      });
    });
  }
  function frameLabel(frame) {
    var table = frame.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption) {
      return caption.textContent.trim();
    }
    var heading = frame.closest("section, .card, main");
    heading = heading && heading.querySelector("h2, h1");
    return heading ? heading.textContent.trim() : document.title;
  }
  function reachableFrames() {
    document.querySelectorAll(".table-wrap").forEach(function (frame) {
      if (frame.scrollWidth > frame.clientWidth + 1) {
        if (!frame.hasAttribute("tabindex")) {
          frame.setAttribute("tabindex", "0");
          frame.setAttribute("role", "region");
          if (!frame.hasAttribute("aria-label") && !frame.hasAttribute("aria-labelledby")) {
            frame.setAttribute("aria-label", frameLabel(frame));
          }
          frame.setAttribute("data-made-reachable", "");
        }
      } else if (frame.hasAttribute("data-made-reachable")) {
        ["tabindex", "role", "aria-label", "data-made-reachable"].forEach(function (name) {
          frame.removeAttribute(name);
        });
      }
    });
  }
  function tables() {
    labelCells(document);
    reachableFrames();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tables);
  } else {
    tables();
  }
  window.addEventListener("resize", reachableFrames);
  document.addEventListener("htmx:afterSettle", tables);
})();
