"""A corpus of hostile inbox files, built in code by the tests that use it (no binary file is committed).

``build`` writes the files (rosters with formulas, merged cells or hidden sheets; zip bombs; a sheet of a million
rows; …), ``cases`` pairs each with the exact outcome ingest must give it, and ``runs`` runs the real command line
over an inbox for the slow tests.
"""
