"""Views of a registry, pure: parsed data and a date in, plain data (the JSON shapes of
docs/json.md) or text formats (CSV, Markdown, Mermaid, DOT, iCalendar, SQL) out."""
