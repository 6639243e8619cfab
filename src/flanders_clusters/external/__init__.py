"""Readers of outside data, above the registry (whose vocabulary they read into) and
below the programme (whose logic they are given as functions where they need it, as the
name key of ``--match-names``): the KBO/BCE open-data extract (``kbo_extract``), an
enterprise number's forms (``enterprise_numbers``), country names → codes
(``country_names``, from the country table ``data/countries.csv`` that the registry's
vocabulary reads), names folded for comparison (``name_folding``), and the CSV tables
users import (``csv_tables``, with the day-first dates they and the extract write)."""
