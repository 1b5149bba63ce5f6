"""Spreadsheets the warehouse is fed in demos and tests: every person invented, every byte written here in code.

``demo`` writes the demo inbox (``cadre-warehouse demo``: 88 files, 22 district rosters of 2015 and 2020, 65 commune
and ward rosters and the province's own of 2025) from the roster forms of ``forms`` (written out by ``workbooks``),
filled with the people of ``people`` in the posts of ``posts`` and ``posts_2025`` of the units of ``units``;
``hostile`` writes the files no office should send (zip bombs, damaged or encrypted workbooks). Not here: reading
any of them (that is ``ingest``), and what a test expects of them (that is ``tests``).
"""
