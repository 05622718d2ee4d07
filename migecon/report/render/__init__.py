"""Renderers: each turns a :class:`~migecon.report.tables.TableModel` into one format."""
