"""Output for people and tools: one Console per stream, tables, the Gantt chart,
findings, JSON. rich is imported only when something is drawn for a person."""
