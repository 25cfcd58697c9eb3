"""The mentor–apprentice workspace, the manager's view, exports, photos and the calendar feed,
one module per feature."""
