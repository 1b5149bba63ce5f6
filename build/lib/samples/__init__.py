"""Spreadsheets the warehouse is fed in demos and tests: every person invented, every byte written here in code.

``demo`` writes the demo inbox (``cadre-warehouse demo``) from the roster forms of ``forms`` filled with the people
of ``people``; ``hostile`` writes the files no office should send (zip bombs, damaged or encrypted workbooks). Not
here: reading any of them (that is ``ingest``), and what a test expects of them (that is ``tests``).
"""
