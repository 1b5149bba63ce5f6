"""Where a roster's header is looked for and what makes one: read by ``ingest.header`` (in sheets) and by
``ingest.delimited`` (which tells a text file's encoding and separator by the reading that shows the header); the
two cannot import each other, as the header search reads the sheets delimited makes."""

HEADER_SEARCH_ROWS = 20
ROSTER_KEYS = frozenset({"full_name", "ethnicity"})
# A header is told by how its cell starts, and the rows searched for it may be people's rows: folding only a cell's
# start keeps a megabyte-long name in those rows from costing a second per search.
HEADER_CELL_CHARS = 200
