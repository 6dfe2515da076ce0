"""Service managers' flows: open requests and assignment, figures, trends, exports, invites."""
