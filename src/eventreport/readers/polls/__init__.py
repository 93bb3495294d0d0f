"""Poll exports into the model's `PollExport`: one module per tool, on shared sheets.

- `tools`: loads a workbook or CSV file as sheets and lets its layout pick the tool;
- `mentimeter`, `wooclap`, `kahoot`, `msforms`, `gforms`, `csvpoll`: one tool's layout each;
- `sheet` (cells that know their coordinates), `csvbytes` (CSV files as a sheet),
  `forms` (response tables of the form tools).

The entry points are `eventreport.readers.read_poll` and `read_source`. Nothing is
imported here, so importing one reader loads only what that reader needs.
"""
