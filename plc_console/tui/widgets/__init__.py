"""Reusable widgets of the console; each knows how to show one kind of plain data."""
