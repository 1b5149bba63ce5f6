"""The roles of a roster's columns and the rules that reject a row of people, in the order they are checked.

One home for both the cleaning (``ingest.roster``, which applies the rules) and the feedback (``ingest.roster_feedback``,
which shows the clerk the cell each rule judged). Not here: how a cell is read or cleaned.
"""

import polars as pl

from ingest.limits import TOO_LONG

HEADER_ROLES = ("row_number", "full_name", "birth", "gender", "ethnicity", "body", "term", "education",
                "political_theory", "position", "organisation")
BIRTH_PAIR = ("birth_male", "birth_female")  # the Nam | Nữ birth columns of the split form (Header.birth_male, …)
TEXT_ROLES = HEADER_ROLES + BIRTH_PAIR
MIN_AGE, MAX_AGE = 18, 80
# Why a row is rejected, in the order the rules are checked (a row gets the first that applies), and the role whose
# cell each rule judges, which the clerk's feedback shows (value_too_long: the cell over its limit).
RULES = [
    # First: the rules below would judge a cell cut to its limit, and the clerk must hear that the cell is too long,
    # not that the cut remains of it are an unknown ethnicity or a bad date.
    ("value_too_long", None, pl.col(TOO_LONG)),
    ("missing_name", "full_name", pl.col("full_name").is_null()),
    ("bad_birth_date", "birth", pl.col("birth_year").is_null()),
    ("age_out_of_range", "birth", ~pl.col("age_years").is_between(MIN_AGE, MAX_AGE)),
    ("missing_gender", "gender", pl.col("gender_code").is_null()),
    ("ambiguous_ethnicity_code", "ethnicity",
     pl.col("ethnic_code").is_null() & pl.col("ethnicity").str.contains(r"^\d+$")),
    ("unknown_ethnicity", "ethnicity", pl.col("ethnic_code").is_null()),
    ("missing_body", "body", pl.col("body_code").is_null()),
    ("unknown_body", "body", pl.col("body_unknown")),
    ("bad_term", "term", pl.col("term").is_not_null() & pl.col("term_code").is_null()),
    ("unknown_education", "education", pl.col("education").is_not_null() & pl.col("education_code").is_null()),
    ("unknown_political_theory", "political_theory",
     pl.col("political_theory").is_not_null() & pl.col("political_theory_code").is_null()),
]
# A person's second listing in a body is found across rows, not by a rule of one row: its body cell is shown.
JUDGED = {code: role for code, role, _ in RULES if role} | {"duplicate_membership": "body"}
