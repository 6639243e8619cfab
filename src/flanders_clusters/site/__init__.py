"""The published registry (``clusters site``): static pages built from the registry.

``build`` turns a registry and a date into files (pure: relative path → bytes), rendered
from the Jinja2 templates in ``templates/`` with the interface words of ``messages``;
``folder_swap`` puts them into a user's folder safely, its pages written by the processes
of ``worker_pool``. Jinja2 is imported by this package
alone, and this package only by the ``site`` command.
"""
