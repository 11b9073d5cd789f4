// Makes every data table of the site sortable by clicking its header (vendored tablesort, no network).
// Numbers are shown with a decimal comma; cells carry the machine value in data-sort, which tablesort reads.
// Material's document$ fires on the first load and after every instant navigation.
(function () {
  function attach() {
    document.querySelectorAll("article table:not([class])").forEach(function (table) {
      if (!table.dataset.sortable) {
        table.dataset.sortable = "yes";
        new Tablesort(table);
      }
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(attach);
  } else {
    document.addEventListener("DOMContentLoaded", attach);
  }
})();
