"""Rendering for people at a terminal, with rich: one Console per stream and its safe
text (``console``), the tables of the views (``tables``), the funding Gantt chart
(``gantt``), findings and the rule catalogue (``findings``), the tables of ``diff``
(``comparison_tables``). rich is imported by this package alone, and only when
something is drawn: a ``--json`` path never loads it."""
