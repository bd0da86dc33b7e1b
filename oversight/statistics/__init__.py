"""The commission's figures (统计与看板): each a query function over what the user may see,
returning plain rows (`Table`) in a fixed number of queries whatever the number of records.

- `scope`: what a figure counts (the user's visible records, narrowed by the statistics
  page's filters: period, unit, category, tier);
- `figures`: the commission's figures; `unit`: a unit's own;
- `registry`: the one list of figures (name, title, query, chart type) the pages, the
  exports and the benchmark read — a new figure is one line there;
- `export`: the figures as a workbook.
"""
