"""Findings as GitHub Actions workflow commands (``validate --format github``): each an
annotation on the line of the registry it is about."""

from __future__ import annotations

from ..errors import dotted_path
from ..programme.rules import Finding
from ..registry.vocabulary import escaped


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def workflow_commands(file: str, findings: list[Finding]) -> str:
    """One workflow command per finding: ``::error file=…,line=…,title=…::message``."""
    lines = []
    for finding in findings:
        props = [f"file={_escape_property(file)}"]
        if finding.line:
            props.append(f"line={finding.line}")
        props.append(f"title={_escape_property(f'{finding.code} {finding.rule}')}")
        key = f"{dotted_path(finding.path)}: " if finding.path else ""
        message = _escape_data(escaped(f"{key}{finding.message} (fix: {finding.fix})"))
        lines.append(f"::{_GITHUB_LEVEL[finding.severity]} {','.join(props)}::{message}")
    return "\n".join(lines)
