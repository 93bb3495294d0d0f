"""Slide decks into the model's `Deck`: one module per format, each with its helpers.

- `pptx`: PowerPoint (.pptx, .ppsx, .pptm, .potx), read from the package's XML parts
  (`opc`, `pptx_shapes`, `pptx_styles`, `pptx_chart`, `pptx_diagram`, `xmlnum`, `numfmt`);
- `pdf`: PDF decks, one page a slide (`pdf_lines`, `pdf_layout`).

The entry points are `eventreport.readers.read_deck` and `read_source`. Nothing is
imported here, so importing one reader loads only what that reader needs.
"""
