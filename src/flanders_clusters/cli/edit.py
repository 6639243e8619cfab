"""Commands: see the module docstring once written."""
