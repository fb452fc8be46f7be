// The HTML view of a source text: marks the span an RFC 5147 fragment names (#char=START,END, offsets in
// code points, as BacloKG's Web Annotations count them) and scrolls to it; again whenever the fragment
// changes. Served as a file of its own (no inline script), so a Content-Security-Policy of 'self' holds.
"use strict";

(function () {
  const pre = document.getElementById("source-text");
  const status = document.getElementById("span-status");
  if (!pre || !status) {
    return;
  }
  const text = pre.textContent;

  // the UTF-16 index of code point `offset` of `text`, or -1 past its end
  function unitIndex(offset) {
    let units = 0;
    let points = 0;
    while (points < offset) {
      if (units >= text.length) {
        return -1;
      }
      const code = text.codePointAt(units);
      units += code > 0xffff ? 2 : 1;
      points += 1;
    }
    return units <= text.length ? units : -1;
  }

  function show() {
    // "char=S,E" with RFC 5147's optional integrity check after a ";" (not checked here)
    const found = /^#char=(\d+),(\d+)(;.*)?$/.exec(location.hash);
    if (!found) {
      return; // no span named: leave the page as served (a ?char= span stays marked)
    }
    const start = unitIndex(Number(found[1]));
    const end = unitIndex(Number(found[2]));
    pre.textContent = text; // one text node again, without an earlier mark
    if (start < 0 || end < 0 || start > end) {
      status.textContent = "no span " + found[1] + "," + found[2] + " in this text";
      status.className = "error";
      return;
    }
    const range = document.createRange();
    range.setStart(pre.firstChild, start);
    range.setEnd(pre.firstChild, end);
    const mark = document.createElement("mark");
    mark.id = "span";
    range.surroundContents(mark);
    status.textContent = "characters " + found[1] + " to " + found[2];
    status.className = "";
    mark.scrollIntoView({ block: "center" });
  }

  window.addEventListener("hashchange", show);
  show();
})();
